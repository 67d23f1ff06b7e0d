#!/usr/bin/env python3
"""Sink SMTP server with fault injection, for willay's integration tests.

Every accepted message is stored byte-for-byte as MAILDIR/<seq>.eml and
summarised as one JSON line in MAILDIR/log.jsonl. Faults are driven by flags
so a test can provoke each failure path of the mailer deterministically.

When several DATA faults are enabled they are tried in this order, and the
first one that fires handles the message (later counters do not advance):
    --drop-during-data (mid-payload)  ->  --drop-after-data  ->  --stall-data
    ->  --reject-data  ->  --tempfail-first  ->  accept
Session faults: --refuse-first-connections (before the greeting),
--require-auth (every login refused), --reject-mail-first (the sender refused),
--relay-access-denied (every recipient refused for a reason about the sender).

A relay as an organisation runs it: --auth-user/--auth-password (that login
only, and required), --tls-cert/--tls-key with --starttls (STARTTLS offered,
AUTH only after it) or --implicit-tls (TLS from the first byte, SMTPS). Every
AUTH attempt is one JSON line in MAILDIR/auth.jsonl (mechanism, success,
whether TLS was on), never the secret.

Prints "READY <port>" on stdout once listening; exits 0 on SIGTERM/SIGINT.
Requires: python3 -m pip install aiosmtpd
"""
import argparse
import asyncio
import collections
import email.parser
import email.policy
import json
import logging
import os
import re
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult

MAX_MESSAGE_SIZE = 10 * 1024 * 1024
# A fixed greeting name: aiosmtpd would otherwise call socket.getfqdn() for
# every connection, which can block on DNS and ruins throughput.
SERVER_NAME = "willay-test-smtp"
# Message-ID needs only the header block; cutting at the first blank line
# stops the email package from splitting every body line. compat32 skips the
# slow structured parsing of policy.default; unfolding is all we need.
END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")
HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)


class FaultyHandler:
    """aiosmtpd handler: applies the RCPT/DATA faults and stores messages."""

    def __init__(self, args):
        self.args = args
        self.maildir = args.maildir
        # Continue numbering if the directory is reused (a test restarting the
        # server), so earlier messages are never overwritten.
        self.seq = max((int(n[:-4]) for n in os.listdir(self.maildir)
                        if n.endswith(".eml") and n[:-4].isdigit()), default=0)
        # Kept open for the whole run: reopening per message is needless cost.
        self.log = open(os.path.join(self.maildir, "log.jsonl"), "a", encoding="utf-8")
        # Faults are budgets that get used up. Everything runs on one event
        # loop thread, so plain counters are race-free.
        self.drops_left = args.drop_after_data
        self.mid_data_drops_left = args.drop_during_data
        self.mail_refusals_left = args.reject_mail_first
        self.stalls_left = args.stall_count if args.stall_data else 0
        self.stalled_rcpts = set()
        self.tempfail_attempts = collections.Counter()

    def close(self):
        self.log.close()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd pipelines fine but does not say so; advertise it so clients
        # that pipeline MAIL/RCPT/DATA get exercised. Any hostname is accepted.
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING", responses[-1]]

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_refusals_left > 0:
            self.mail_refusals_left -= 1
            return "553 5.1.8 Sender address rejected: Domain not found"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = self.args
        if a.relay_access_denied:
            # Postfix's answer to a client it does not relay for (no login,
            # or a host outside mynetworks): about the sender, for everyone.
            return "554 5.7.1 <%s>: Relay access denied" % address
        if a.reject_rcpt and a.reject_rcpt.search(address):
            # Postfix's wording: the reply quotes the address.
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if a.tempfail_rcpt and a.tempfail_rcpt.search(address):
            return "450 4.2.0 Mailbox busy"
        # Returning a status means aiosmtpd no longer records the recipient
        # itself, so do what its default path does.
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        rcpts = [r.lower() for r in envelope.rcpt_tos]

        if self.drops_left > 0:
            self.drops_left -= 1
            # abort() discards any pending output and closes at once, so the
            # client never sees a reply. connection_lost() then cancels this
            # coroutine; waiting on a never-done future lets that cancellation
            # unwind aiosmtpd's session cleanly instead of it trying to push
            # a reply into a dead socket.
            server.transport.abort()
            await asyncio.get_running_loop().create_future()

        if self.stalls_left > 0 and not self.stalled_rcpts.intersection(rcpts):
            self.stalls_left -= 1
            self.stalled_rcpts.update(rcpts)
            # If the client gives up first, the sleep is cancelled with the
            # connection; otherwise the late 451 marks the attempt as failed.
            await asyncio.sleep(self.args.stall_data)
            return "451 4.3.0 Try again later"

        if self.args.reject_data and any(self.args.reject_data.search(r) for r in rcpts):
            return "554 5.7.1 Message rejected as spam"

        if self.args.tempfail_first:
            # Every recipient's attempt counter advances, and the message is
            # deferred while any of them is still within its first N tries.
            self.tempfail_attempts.update(rcpts)
            if any(self.tempfail_attempts[r] <= self.args.tempfail_first for r in rcpts):
                return "451 4.3.0 Try again later"

        self.store(envelope)
        return "250 OK"

    def store(self, envelope):
        # original_content is the DATA payload after dot-unstuffing, with the
        # client's CRLFs intact and without the terminating ".\r\n".
        data = envelope.original_content
        self.seq += 1
        name = os.path.join(self.maildir, "%06d.eml" % self.seq)
        # The temp name does not end in .eml, so a test globbing *.eml can
        # never observe a half-written file. No fsync: speed over durability.
        tmp = os.path.join(self.maildir, ".%06d.eml.tmp" % self.seq)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, name)
        try:
            end = END_OF_HEADERS.search(data)
            head = data[:end.end()] if end else data
            msgid = HEADER_PARSER.parsebytes(head).get("Message-ID")
            msgid = " ".join(str(msgid).split()) if msgid is not None else None
        except Exception:  # a malformed header must not lose the message
            msgid = None
        self.log.write(json.dumps({
            "seq": self.seq,
            # aiosmtpd spells the null reverse-path (bounces) as "<>".
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": msgid,
            "size": len(data),
        }) + "\n")
        self.log.flush()


class FastSMTP(SMTP):
    """aiosmtpd's SMTP session with two hot paths made cheaper.

    Stock aiosmtpd spends ~100 us per MAIL/RCPT in the email package's
    RFC 5322 address parser and ~4 us per DATA line awaiting one line at a
    time, which kept it well under 1,000 messages/s. Protocol behaviour,
    replies and the bytes stored are unchanged.
    """

    def _getaddr(self, arg):
        # A test sink only needs the text between the angle brackets.
        arg = (arg or "").strip()
        if not arg:
            return "", ""
        if not arg.startswith("<"):
            addr, _, rest = arg.partition(" ")
            return addr, rest
        end = arg.find(">")
        if end < 0:
            return None, None  # aiosmtpd answers 553 malformed address
        # Keep aiosmtpd's "<>" for the null reverse-path: an empty address
        # would be refused as a syntax error.
        return arg[1:end] or "<>", arg[end + 1:]

    async def smtp_DATA(self, arg):
        # Same checks and replies as the stock method, in the same order.
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            return await self.push("503 Error: need RCPT command")
        if arg:
            return await self.push("501 Syntax: DATA")
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        handler = self.event_handler
        if handler.mid_data_drops_left > 0:
            handler.mid_data_drops_left -= 1
            # Part of the payload has arrived; the connection dies before the
            # final dot, so nothing is stored and no reply is sent.
            await self._reader.read(256)
            self.transport.abort()
            await asyncio.get_running_loop().create_future()
        data = await self._read_data()
        if len(data) > MAX_MESSAGE_SIZE:
            status = "552 Error: Too much mail data"
        elif max(map(len, data.split(b"\r\n"))) > self.line_length_limit - 2:
            status = "500 Line too long (see RFC5321 4.5.3.1.6)"
        else:
            # Dot-unstuffing (RFC 5321 4.5.2): drop one leading dot per line.
            if data.startswith(b"."):
                data = data[1:]
            data = data.replace(b"\r\n.", b"\r\n")
            self.envelope.content = self.envelope.original_content = data
            status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push(status)

    async def _read_data(self):
        """Return the raw DATA stream, up to but excluding the final "." line."""
        # The reader's limit is the longest allowed line; lift it so that one
        # readuntil() can span many lines (a private attribute of asyncio).
        reader = self._reader
        limit, reader._limit = reader._limit, 4 * MAX_MESSAGE_SIZE
        chunks = []
        try:
            # Each chunk ends in ".\r\n", which terminates DATA only when the
            # dot starts a line: the chunk is just ".\r\n" (the previous chunk,
            # if any, ended in CRLF) or the chunk ends in "\r\n.\r\n".
            while not chunks or not (chunks[-1] == b".\r\n"
                                     or chunks[-1].endswith(b"\r\n.\r\n")):
                chunks.append(await reader.readuntil(b".\r\n"))
        finally:
            reader._limit = limit
        return b"".join(chunks)[:-3]  # the CRLF before the dot is content


class Refuser(asyncio.Protocol):
    """Stands in for an SMTP session on a connection to be refused: doing it
    in the protocol factory avoids half-initialising aiosmtpd's SMTP object,
    whose connection_lost() assumes connection_made() ran fully."""

    def connection_made(self, transport):
        transport.abort()


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = FaultyHandler(args)
    refusals_left = args.refuse_first_connections

    tls = None
    if args.starttls or args.implicit_tls:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    auth_log = open(os.path.join(args.maildir, "auth.jsonl"), "a", encoding="utf-8")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (args.auth_user is not None
              and auth_data.login == args.auth_user.encode()
              and auth_data.password == args.auth_password.encode())
        auth_log.write(json.dumps({
            "mechanism": mechanism,
            "success": ok,
            "tls": bool(session.ssl) or args.implicit_tls,
        }) + "\n")
        auth_log.flush()
        return AuthResult(success=ok, handled=False)

    def factory():
        nonlocal refusals_left
        if refusals_left > 0:
            refusals_left -= 1
            return Refuser()
        auth = {}
        if args.require_auth or args.auth_user is not None:
            auth = dict(
                authenticator=authenticator,
                auth_required=True,
                # Like Postfix's smtpd_tls_auth_only: with STARTTLS offered,
                # AUTH is only offered once the session is encrypted. Plain
                # text otherwise (loopback; implicit TLS is encrypted anyway).
                auth_require_tls=args.starttls,
            )
        if args.starttls:
            auth["tls_context"] = tls
        return FastSMTP(
            handler,
            hostname=SERVER_NAME,
            data_size_limit=MAX_MESSAGE_SIZE,
            decode_data=False,  # keep raw bytes and advertise 8BITMIME
            enable_SMTPUTF8=True,  # accept whatever a modern client may send
            loop=loop,
            **auth,
        )

    server = await loop.create_server(factory, args.host, args.port, backlog=1024,
                                      ssl=tls if args.implicit_tls else None)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()

    try:
        await stop.wait()
    finally:
        # Open sessions need no goodbye: asyncio.run() cancels their tasks.
        server.close()
        handler.close()
        auth_log.close()


def regex(pattern):
    # Compiled once here, so a bad pattern is a usage error at startup rather
    # than a failure in the middle of a test.
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise argparse.ArgumentTypeError("bad regex %r: %s" % (pattern, e))


class KnownNoise(logging.Filter):
    """Drops aiosmtpd's warnings about what these tests do on purpose: AUTH
    without TLS on loopback, and its own use of a deprecated attribute."""

    NOISE = ("auth_required == True but auth_require_tls == False",
             "Session.login_data is deprecated")

    def filter(self, record):
        return not record.getMessage().startswith(self.NOISE)


def main():
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").addFilter(KnownNoise())
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--maildir", required=True, help="where .eml files and log.jsonl go")
    p.add_argument("--tempfail-first", type=int, default=0, metavar="N",
                   help="451 at DATA for the first N attempts per recipient")
    p.add_argument("--reject-rcpt", type=regex, metavar="REGEX",
                   help="550 at RCPT TO for matching recipients")
    p.add_argument("--tempfail-rcpt", type=regex, metavar="REGEX",
                   help="450 at RCPT TO for matching recipients, always")
    p.add_argument("--drop-after-data", type=int, default=0, metavar="N",
                   help="drop the connection, unanswered, after the first N DATA payloads")
    p.add_argument("--stall-data", type=float, default=0, metavar="SECONDS",
                   help="delay the DATA reply (then 451) for a recipient's first message")
    p.add_argument("--stall-count", type=int, default=1, metavar="N",
                   help="how many messages overall get stalled (default 1)")
    p.add_argument("--refuse-first-connections", type=int, default=0, metavar="N",
                   help="close the first N connections before the greeting")
    p.add_argument("--drop-during-data", type=int, default=0, metavar="N",
                   help="drop the connection in the middle of the first N DATA payloads")
    p.add_argument("--reject-data", type=regex, metavar="REGEX",
                   help="554 5.7.1 after DATA for matching recipients (a content refusal)")
    p.add_argument("--reject-mail-first", type=int, default=0, metavar="N",
                   help="553 5.1.8 to the first N MAIL FROM commands (the sender refused)")
    p.add_argument("--relay-access-denied", action="store_true",
                   help="554 5.7.1 Relay access denied at RCPT TO for every recipient")
    p.add_argument("--require-auth", action="store_true",
                   help="advertise AUTH, require it, and refuse every login (535)")
    p.add_argument("--auth-user", metavar="USER",
                   help="advertise AUTH, require it, and accept only this login")
    p.add_argument("--auth-password", default="", metavar="PASSWORD",
                   help="the password of --auth-user")
    p.add_argument("--tls-cert", metavar="PEM", help="certificate chain for TLS")
    p.add_argument("--tls-key", metavar="PEM", help="private key for TLS")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true",
                     help="offer STARTTLS with --tls-cert/--tls-key")
    tls.add_argument("--implicit-tls", action="store_true",
                     help="TLS from the first byte (SMTPS) with --tls-cert/--tls-key")
    args = p.parse_args()
    if (args.starttls or args.implicit_tls) and not (args.tls_cert and args.tls_key):
        p.error("--starttls and --implicit-tls need --tls-cert and --tls-key")

    os.makedirs(args.maildir, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
