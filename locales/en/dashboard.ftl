### review: done
### willay's staff dashboard (English): log-in, campaigns, reach and
### creating campaigns.

## The frame of every page

dash-nav-home = Campaigns & reach
dash-nav-new = New campaign
dash-signed-in = Signed in as { $name }
dash-logout = Log out
dash-language = Dashboard language
dash-language-save = Change
dash-language-token = A session opened with a token keeps no language: log in with your name and password to choose one.
dash-back = Back to the dashboard

## Roles

dash-role-admin = administrator
dash-role-manager = campaign manager
dash-role-translator = translator
dash-role-analyst = analyst

## Campaign states

dash-status-draft = draft
dash-status-scheduled = scheduled
dash-status-running = sending
dash-status-paused = paused
dash-status-done = done
dash-status-cancelled = cancelled

## Overview: campaigns and reach

dash-overview-title = Campaigns & reach
dash-totals-all = Totals over all campaigns
dash-totals-campaign = Totals for this campaign
dash-campaigns = Campaigns
dash-no-campaigns = No campaigns yet.
dash-create-first = Create the first one.
dash-col-campaign = Campaign
dash-col-message = Message
dash-col-status = Status
dash-col-starts = Starts
dash-col-progress = Progress
dash-col-sent = Sent
dash-col-failed = Failed
dash-progress-of = Progress of campaign { $id }
dash-stat-reached = people reached
dash-stat-delivered = messages delivered
dash-stat-pending = pending
dash-stat-failed = failed
dash-stat-unsubscribed = unsubscribed since
dash-by-language = By language
dash-by-region = By region
dash-over-time = Over time

## Charts

dash-scope-all = all campaigns
dash-chart-language = People reached by language ({ $scope })
dash-chart-region = People reached by region ({ $scope })
dash-chart-day = People reached per day, UTC ({ $scope })
dash-chart-no-data = No data yet.
dash-chart-no-deliveries = No messages delivered yet.
dash-chart-unnamed = (none)
dash-chart-day-point = { $day }: { $people } people reached, { $messages } messages

## One campaign

dash-campaign-summary = Message “{ $message }” to { $lists }. Audience now: { $audience } confirmed people. Starts: { $starts } ({ $zone }).
dash-campaign-progress = { $percent }% done: { $sent } sent, { $pending } pending, { $sending } sending, { $failed } failed, { $skipped } skipped.
dash-fallback-missing = { $people } people wanting “{ $wanted }” will receive “{ $used }”: the message has no “{ $wanted }” translation.
dash-fallback-broken = { $people } people wanting “{ $wanted }” will receive “{ $used }”: the “{ $wanted }” translation has errors (see “willay locales check”).
dash-live-note = This page refreshes every 5 seconds while the campaign is scheduled or sending.
dash-action-schedule = Schedule
dash-action-pause = Pause
dash-action-resume = Resume
dash-action-cancel = Cancel
dash-retry-reason = Why retry the { $failed } failed messages? (kept in the ledger)
dash-retry-placeholder = e.g. relay login fixed
dash-retry-button = Retry failed messages

## New campaign

dash-new-title = New campaign
dash-preview-message = Message to preview
dash-preview-show = Show this message
dash-previews-heading = “{ $message }” in every language
dash-preview-fallback = (no “{ $locale }” translation: people asking for it get this)
dash-preview-frame = Preview of “{ $message }” in “{ $locale }”
dash-create-heading = Create and schedule
dash-message-label = Message:
dash-name-label = Name (optional)
dash-send-to = Send to (a person on several lists gets one message)
dash-list-counts = ({ $confirmed } confirmed of { $members })
dash-no-lists = No lists yet. Create one with the API or on the server:
dash-when = When
dash-when-draft = Save as a draft
dash-when-now = Start now
dash-when-at = Start at this time ({ $zone }):
dash-start-time = start time ({ $zone })
dash-create-button = Create campaign

## Errors

dash-not-found-title = Not found
dash-not-found = There is no such page in the dashboard.
dash-conflict-title = Not possible now
dash-invalid-title = Please check the form
dash-error-title = Something went wrong
dash-server-error = The request failed on the server; it has been logged.
dash-forged-title = Form expired
dash-forged = This form was not sent from a page of this dashboard session (its anti-forgery value is missing or wrong). Go back, reload the page and try again.
dash-forbidden-title = Not allowed
dash-forbidden = Your role ({ $role }) does not open this page. Ask an administrator if you need it.
dash-refused-other = The request could not be carried out.
dash-detail-english = Technical detail:
dash-refused-campaign-not-found = There is no such campaign.
dash-refused-no-such-action = There is no such campaign action.
dash-refused-invalid-transition = The campaign is no longer in a state that allows this change. Reload the page to see where it stands.
dash-refused-invalid-time = That date and time is not valid.
dash-refused-missing-time = Choose a start time, or “Start now”, or “Save as a draft”.
dash-refused-invalid-list-name = A list name is not valid.
dash-refused-unknown-list = One of the chosen lists no longer exists.
dash-refused-unknown-message = That message is not in the catalogue.

## Log-in

dash-login-title = Log in
dash-login-heading = willay: staff log-in
dash-login-name = Name
dash-login-password = Password
dash-login-button = Log in
dash-login-help = No password yet, or forgotten? An administrator sends you a link with:
dash-login-refused-password = That name and password do not match.
dash-login-refused-token = That token is not valid (or was revoked).
dash-login-failed-title = Log-in failed
dash-login-failed = The log-in could not be completed because of a problem on the server; it has been logged. Please try again later.
dash-token-summary = Log in with an API token
dash-token = API token
dash-token-button = Log in with the token
dash-token-help = Create a token on the server with:

## Choosing a password (the one-time link)

dash-password-title = Set your password
dash-password-for = For { $name }. At least { $min } characters: a few words you will remember make a good one.
dash-password-new = New password
dash-password-again = The same password again
dash-password-button = Set the password
dash-password-done = Your password is set. This link does not work any more.
dash-password-dead = This link is not valid any more: it was used, or it is older than { $hours } hours. Ask an administrator for a new one.
dash-password-too-short = A password needs at least { $min } characters (a few words make a good one).
dash-password-too-long = A password may have at most { $max } characters.
dash-password-mismatch = The two passwords are not the same.

## People (managers and administrators)

dash-nav-people = People
dash-people-title = People
dash-people-q = Search by the start of the address or name
dash-people-any = (any)
dash-people-list = List
dash-people-region = Region
dash-people-language = Language (a tag, e.g. quz-PE)
dash-people-search = Search
dash-people-found = Results
dash-people-none = Nobody matches this search.
dash-people-name = Name
dash-people-email = Address
dash-people-no-name = (no name)
dash-people-next = Next page
dash-people-erased = The person was erased: her data is no longer in willay; her deliveries remain only as counts.
dash-person-status-confirmed = confirmed
dash-person-status-unconfirmed = unconfirmed
dash-person-status-unsubscribed = unsubscribed
dash-person-status-bounced = bounced
dash-person-title = A person
dash-person-back = Back to the search
dash-person-lists = Lists
dash-person-added = Added
dash-person-consent = Consent
dash-person-left = Unsubscribed
dash-person-profile = Language and region
dash-person-save = Save
dash-person-deliveries = Messages by campaign
dash-person-no-deliveries = No campaign has included her yet.
dash-person-locale = Language sent
dash-person-attempts = Attempts
dash-person-sent-at = Delivered
dash-delivery-pending = pending
dash-delivery-sending = sending
dash-delivery-sent = delivered
dash-delivery-failed = failed
dash-delivery-skipped = skipped
dash-person-leave = Unsubscribe and erase
dash-person-unsubscribe = Unsubscribe
dash-person-erase = Erase this person…
dash-person-erase-note = Unsubscribing stops her messages. Erasing removes her address, name and lists for good; campaigns keep only anonymous counts.
dash-erase-heading = Erase this person for good?
dash-erase-explain = Her address, name and lists are deleted and cannot be recovered. Pending messages will not be sent. Campaign reach does not change.
dash-erase-confirm = Yes, erase this person for good
dash-erase-button = Erase
dash-erase-keep = Do not erase
dash-refused-subscriber-not-found = There is no such person.
dash-refused-invalid-language = That language is not a valid tag (e.g. es, en-GB, quz-PE).
dash-refused-invalid-status = There is no such status.
dash-refused-region-too-long = The region is too long.

## Lists

dash-nav-lists = Lists
dash-lists-title = Lists
dash-lists-all = Every list
dash-lists-none = No lists yet.
dash-lists-members = People
dash-lists-confirmed = Confirmed
dash-lists-rename = Rename
dash-lists-new-name = New name of list “{ $list }”
dash-lists-delete = Delete
dash-lists-delete-confirm = Yes, delete
dash-lists-delete-note = Deleting a list does not delete its people. A list campaigns were sent to is kept, so each campaign can say whom it reached.
dash-lists-new = New list
dash-lists-create = Create the list
dash-lists-created = The list was created.
dash-lists-renamed = The list was renamed.
dash-lists-deleted = The list was deleted; its people are still in willay.
dash-refused-list-exists = There is already a list with that name.
dash-refused-list-in-use = Campaigns were sent to this list: it is kept so those campaigns can say whom they reached.
dash-refused-list-not-found = There is no such list.
dash-refused-unconfirmed = Tick the box to confirm the deletion.

## Audit log

dash-nav-audit = Audit log
dash-audit-title = Audit log
dash-audit-intro = Who did what and when. The log keeps numbers and cannot be changed or deleted; it never keeps a subscriber's address or name.
dash-audit-action = Action
dash-audit-who = Who
dash-audit-since = From day
dash-audit-until = Until day
dash-audit-filter = Filter
dash-audit-events = Activity
dash-audit-none = Nothing matches these filters.
dash-audit-when = When
dash-audit-subject = About
dash-audit-detail = Detail
dash-audit-older = Older activity
dash-audit-actor-cli = the server's command line
dash-audit-actor-visitor = someone not logged in
dash-audit-actor-token = token #{ $id }
dash-audit-kind-subscriber = person
dash-audit-kind-list = list
dash-audit-kind-campaign = campaign
dash-audit-kind-staff = staff
dash-audit-kind-token = token
dash-refused-invalid-action = There is no such action in the log.
dash-refused-unknown-staff = There is no staff member with that name.
dash-audit-session-login = Logged in to the dashboard
dash-audit-session-login-refused = Log-in refused
dash-audit-session-logout = Logged out
dash-audit-subscribers-import = Imported people
dash-audit-subscriber-create = Added a person
dash-audit-subscriber-update = Changed a person's language or region
dash-audit-subscriber-confirm = Recorded a person's consent
dash-audit-subscriber-unsubscribe = Unsubscribed a person
dash-audit-subscriber-erase = Erased a person
dash-audit-list-create = Created a list
dash-audit-list-rename = Renamed a list
dash-audit-list-delete = Deleted a list
dash-audit-campaign-create = Created a campaign
dash-audit-campaign-schedule = Scheduled a campaign
dash-audit-campaign-pause = Paused a campaign
dash-audit-campaign-resume = Resumed a campaign
dash-audit-campaign-cancel = Cancelled a campaign
dash-audit-campaign-retry = Retried a campaign's failed messages
dash-audit-staff-add = Added a staff member
dash-audit-staff-remove = Removed a staff member
dash-audit-staff-set-role = Changed a staff member's role
dash-audit-staff-password-link = Issued a password link
dash-audit-staff-password-set = Set a password
dash-audit-token-create = Created an API token
dash-audit-token-revoke = Revoked an API token

## Importing people

dash-import-title = Import people
dash-import-upload = Upload a file
dash-import-explain = A CSV file (also what Excel on Windows saves) or an Excel workbook (.xlsx). The first row names the columns: email (required), name, language, region. A row with errors is not imported and its number is shown; the others are.
dash-import-file = File
dash-import-button = Import
dash-import-consent = Everyone in the file becomes confirmed: upload it only if they consented to receive the messages.
dash-import-no-lists = Create a list first.
dash-import-report = Import result
dash-import-summary = { $created } new people, { $updated } updated, { $rejected } rows not imported.
dash-import-rejected = Rows not imported
dash-import-warnings = Rows imported with a warning
dash-import-line = Row
dash-import-why = Reason
dash-import-english = The reasons are shown in English for now.
dash-refused-empty-upload = Choose a file to import.
dash-refused-unreadable-upload = The uploaded file could not be read.

dash-lists-export = Export
dash-lists-export-csv = CSV
dash-lists-export-note = Exporting downloads the list's addresses and names: it is recorded in the audit log. Keep the file somewhere safe and delete it when you no longer need it.
dash-audit-subscribers-export = Exported a list's people

## Messages (translation)

dash-nav-messages = Messages
dash-messages-title = Messages
dash-messages-intro = Each message of the catalogue as each person will receive it, in every language. A missing translation is marked, with the one that will be sent instead.
