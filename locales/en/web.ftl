### review: done
### willay's public pages (English): subscribe, confirm (double opt-in) and
### unsubscribe, plus the confirmation email.

## Language

web-language-name = English
web-org-name = { -org-name }
web-language-switcher = Language
web-footer-privacy = This page uses no trackers and no advertising.

## Subscribe

web-subscribe-title = Get the news from { -org-name }
web-subscribe-intro = Enter your email and you will receive { -org-name }'s messages in your language, free of charge. We will ask you to confirm with a link.
web-subscribe-list = You will join the list “{ $list }”.
web-field-email = Your email address
web-field-name = Your name
web-field-name-hint = Optional. We use it to greet you.
web-field-language = Which language would you like the messages in?
web-field-region = Your region
web-field-region-hint = Optional. It helps us send you information about your area.
web-subscribe-button = Subscribe
web-subscribe-privacy = We keep your email, name, language and region only to send you these messages. We share them with no one. You can unsubscribe at any time.
web-error-email = This email address is not valid. Please check it and type it again.
web-error-list = That list does not exist.
web-error-form = The form has expired. Please send it again.

## Check your inbox

web-check-inbox-title = Check your inbox
web-check-inbox-body = If the address was not already subscribed, we have sent you an email with a link to confirm. Open it to finish. If you do not see it within a few minutes, look in your spam folder.

## Confirmation

web-confirm-title = Confirm your subscription
web-confirm-body = Press the button to start receiving { -org-name }'s messages.
web-confirm-button = Yes, I want to receive them
web-confirmed-title = Subscription confirmed
web-confirmed-body = Thank you! From now on you will receive { -org-name }'s messages. Every email has a link to unsubscribe.
web-confirm-stale-title = This link no longer works
web-confirm-stale-body = The link predates your unsubscribing. If you would like the messages again, subscribe again with the form.

## Confirmation email

web-confirm-mail-subject = Confirm your subscription to { -org-name }
web-confirm-mail-greeting = Hello,
web-confirm-mail-body = Someone (probably you) asked to receive { -org-name }'s messages at this address. If it was you, please confirm with the button.
web-confirm-mail-button = Confirm my subscription
web-confirm-mail-link-text = To confirm, open this link:
web-confirm-mail-ignore = If it was not you, ignore this email: we will send you nothing. The link is valid for { $hours } hours.

## Unsubscribe

web-unsubscribe-title = Stop receiving the messages
web-unsubscribe-body = If you no longer want { -org-name }'s emails, press the button.
web-unsubscribe-button = Unsubscribe
web-unsubscribed-title = You have unsubscribed
web-unsubscribed-body = We will not send you any more emails. If you change your mind, you can subscribe again at any time.

## Links with problems

web-bad-link-title = This link is not valid
web-bad-link-body = The link may have been cut or altered. Copy the whole link from the email, or press the button in it.
web-expired-link-title = This link has expired
web-expired-link-body = Subscribe again with the form and you will get a new email.
web-unknown-link-title = Nobody was found for this link
web-unknown-link-body = There is no subscription for this link. You do not need to do anything.
web-rate-limited-title = Too many attempts
web-rate-limited-body = You sent many requests in a row. Please wait { $seconds } seconds and try again.
