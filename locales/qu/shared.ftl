### review: pending — awaiting native-speaker review (Quechua). Machine-assisted draft; do not send without review.
### willay nisqapa rakinakusqa qillqankuna (runasimi, Chanka/Qusqu).
### Shared catalogue (Southern Quechua). Terms and footer texts used by every email.

## Terms
## Proper names stay as in Spanish (Colectivo Willay, Línea 100, CEM, MIMP).

# Name of the organisation. Proper name: do not translate.
# review: pending
-org-name = Colectivo Willay

# Free national helpline of the MIMP, 24 hours. Proper name: do not translate.
# Used in sentences as "{ -helpline } nisqaman" (to Línea 100).
# review: pending
-helpline = Línea 100

# Women's Emergency Centres. Kept as the official Spanish name (singular);
# sentences add "nisqakuna" for the plural.
# review: pending
-cem = Centro Emergencia Mujer (CEM)

# Ministry of Women and Vulnerable Populations. Official Spanish name kept;
# a reviewer may prefer a Quechua rendering.
# review: pending
-mimp = Ministerio de la Mujer y Poblaciones Vulnerables (MIMP)

# A number of women. Quechua nouns after a numeral take no plural -kuna,
# so both variants use "warmi"; sentences may attach case suffixes right
# after the placeable, e.g. "{ -women-count(count: 2000) }manta aswan".
# Variables:
#   $count (number): how many women.
# review: pending
-women-count =
    { $count ->
        [one] huk warmi
       *[other] { $count } warmi
    }

## Email footer
## Fixed texts at the end of every message, in both the HTML and plain-text parts.

# Why the person receives this email.
# review: pending
email-footer-reason = Kay willakuyta chaskinki, { -org-name } nisqapa musuq willakuyninkunata chaskinaykipaq sutiykita qillqachisqaykirayku.

# Label of the unsubscribe link (HTML part). Literally "remove my name".
# review: pending
email-footer-unsubscribe = Sutiyta hurquy

# Sentence introducing the unsubscribe link in the plain-text part. Ends with a colon.
# review: pending
email-footer-unsubscribe-text = Kay willakuykunata manaña chaskinaykipaq, kay t'inkita kichay:

# Privacy notice: we do not track whether you open the message.
# review: pending
email-footer-privacy = Manam qhawaykuchu kay willakuyta kichasqaykita icha manachu.

# Where to get urgent help. One sentence.
# review: pending
email-footer-help = Sichus peligropi kachkanki, manchakunki icha yanapayta munanki chayqa, { -helpline } nisqaman waqyay; mana imatapas pagankichu, p'unchawpas tutapas, 24 horas.
