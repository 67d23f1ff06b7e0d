### review: done
### Shared willay catalogue (English).
### Terms and footer texts used by every email.

## Terms
## Proper names and expressions repeated across messages.

# Name of the organisation that sends the emails. Proper name: do not translate.
-org-name = Colectivo Willay

# Free national helpline of the MIMP, open 24 hours.
# Proper name: do not translate.
-helpline = Línea 100

# Free public services of the MIMP that give legal, psychological
# and social help to people affected by violence.
-cem = Women's Emergency Centres (Centros Emergencia Mujer, CEM)

# Ministry responsible for Línea 100 and the CEM.
-mimp = Ministry of Women and Vulnerable Populations (MIMP)

# A number of women, with number agreement.
# Variables:
#   $count (number): how many women.
-women-count =
    { $count ->
        [one] one woman
       *[other] { $count } women
    }

## Email footer
## Fixed texts at the end of every message, in both the HTML and plain-text parts.

# Explains why the person receives this email.
email-footer-reason = You receive this message because you subscribed to news from { -org-name }.

# Label of the unsubscribe link (HTML part).
email-footer-unsubscribe = Unsubscribe

# Sentence introducing the unsubscribe link in the plain-text part.
# Must end with a colon: the link follows directly.
email-footer-unsubscribe-text = You can unsubscribe at any time with this link:

# Privacy notice: no tracking pixels are used.
email-footer-privacy = We do not track whether you open this message.

# Where to get urgent help. One sentence.
email-footer-help = If you are in danger or need help, call { -helpline } free of charge, 24 hours a day.
