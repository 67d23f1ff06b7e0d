### review: pending — awaiting native-speaker review (Quechua).
### willay nisqap web paginankuna (runasimi, Chanka/Qusqu): qillqachikuy,
### takyachiy (iskay kuti) hinaspa lluqsiy; takyachina correopas.
### Public pages (Southern Quechua): subscribe, confirm, unsubscribe, and the
### confirmation email. Machine-assisted draft; do not publish without review.

## Simi (language)

# This language's own name, for the language switcher.
# review: pending
web-language-name = Runasimi
# review: pending
web-org-name = { -org-name }
# review: pending
web-language-switcher = Simi
# review: pending
web-footer-privacy = Kay paginaqa manam qatipaqkunata, nitaq publicidadta apaykachanchu.

## Qillqachikuy (subscribe)

# review: pending
web-subscribe-title = { -org-name } nisqap willakuyninkunata chaskiy
# review: pending
web-subscribe-intro = Correo electrónico nisqaykita qillqay, hinaspa { -org-name } nisqap willakuyninkunata qampa simiykipi chaskinki, mana imata pagaspa. Huk enlacewan takyachinaykitam mañakusqaykiku.
# "«{ $list }» nisqa listaman" = to the list «X».
# review: pending
web-subscribe-list = «{ $list }» nisqa listaman yaykunki.
# review: pending
web-field-email = Correo electrónico nisqayki
# review: pending
web-field-name = Sutiyki
# review: pending
web-field-name-hint = Munaspaqa. Kay sutiwanmi napaykusqaykiku.
# review: pending
web-field-language = Ima simipitaq willakuykunata chaskiyta munanki?
# review: pending
web-field-region = Llaqtayki (región)
# review: pending
web-field-region-hint = Munaspaqa. Qampa llaqtaykimanta willakuykunata apachinaykupaqmi.
# review: pending
web-subscribe-button = Qillqachikuy
# review: pending
web-subscribe-privacy = Correoykita, sutiykita, simiykita, llaqtaykitapas kay willakuykunata apachinaykupaqlla waqaychayku. Manam pimanpas quykuchu. Mayk'aqpas lluqsiyta atinki.
# review: pending
web-error-email = Kay correo electrónico nisqaqa manam allinchu. Qhawariy, hinaspa wakmanta qillqay.
# review: pending
web-error-list = Chay listaqa manam kanchu.
# review: pending
web-error-form = Formularioqa tukukapunñam. Ama hina kaspa, wakmanta kachay.

## Correoykita qhawariy (check your inbox)

# review: pending
web-check-inbox-title = Correoykita qhawariy
# review: pending
web-check-inbox-body = Kay correo manaraq listapi kaptinqa, huk correotam apachiykiku takyachinaykipaq enlaceyuqta. Chayta kichay tukunaykipaq. Mana rikuspaqa, "spam" nisqa carpetatapas qhawariy.

## Takyachiy (confirm)

# review: pending
web-confirm-title = Qillqachikuyniykita takyachiy
# review: pending
web-confirm-body = Botonta ñit'iy { -org-name } nisqap willakuyninkunata chaskiyta qallarinaykipaq.
# review: pending
web-confirm-button = Arí, chaskiyta munani
# review: pending
web-confirmed-title = Qillqachikuyniyki takyachisqañam
# review: pending
web-confirmed-body = Añay! Kunanmantaqa { -org-name } nisqap willakuyninkunata chaskinki. Sapa correopim lluqsinaykipaq enlace kanqa.
# review: pending
web-confirm-stale-title = Kay enlaceqa manañam valenchu
# review: pending
web-confirm-stale-body = Kay enlaceqa manaraq lluqsichkaptiyki rurakurqa. Wakmanta chaskiyta munaspaqa, formulariopi yapamanta qillqachikuy.

## Takyachina correo (confirmation email)

# review: pending
web-confirm-mail-subject = { -org-name }: qillqachikuyniykita takyachiy
# review: pending
web-confirm-mail-greeting = Allillanchu:
# review: pending
web-confirm-mail-body = Pipas (qamchá) kay correopi { -org-name } nisqap willakuyninkunata chaskiyta mañakurqa. Qamchus karqanki chayqa, botonwan takyachiy.
# review: pending
web-confirm-mail-button = Qillqachikuyniyta takyachiy
# Plain-text version: the link follows right after.
# review: pending
web-confirm-mail-link-text = Takyachinaykipaq kay enlaceta kichay:
# review: pending
web-confirm-mail-ignore = Mana qamchu karqanki chayqa, kay correota qunqay: manam imatapas apachisqaykikuchu. Enlaceqa { $hours } horallam valen.

## Lluqsiy (unsubscribe)

# review: pending
web-unsubscribe-title = Willakuykunata manaña chaskiy
# review: pending
web-unsubscribe-body = Manaña { -org-name } nisqap correonkunata chaskiyta munaspaqa, botonta ñit'iy.
# review: pending
web-unsubscribe-button = Listamanta lluqsiy
# review: pending
web-unsubscribed-title = Listamantaña lluqsirqanki
# review: pending
web-unsubscribed-body = Manañam correokunata apachisqaykikuchu. Yuyayniykita tikraspaqa, mayk'aqpas yapamanta qillqachikuyta atinki.

## Mana allin enlacekuna (links with problems)

# review: pending
web-bad-link-title = Kay enlaceqa manam allinchu
# review: pending
web-bad-link-body = Enlaceqa kuchusqa icha tikrasqa kanman. Correomanta enlaceta enteronta copiay, icha chaypi kaq botonta ñit'iy.
# review: pending
web-expired-link-title = Kay enlaceqa tukukapunñam
# review: pending
web-expired-link-body = Formulariopi yapamanta qillqachikuy, hinaspa musuq correotam chaskinki.
# review: pending
web-unknown-link-title = Kay enlacewanqa manam pitapas tarinikuchu
# review: pending
web-unknown-link-body = Kay enlacepaqqa manam ima qillqachikuypas kanchu. Manam imatapas ruwanaykichu.
# review: pending
web-rate-limited-title = Ancha achka kutitam
# review: pending
web-rate-limited-body = Achka kutitam qatiqninta kachamurqanki. { $seconds } segundota suyay, hinaspa wakmanta ruwariy.
