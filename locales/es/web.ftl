### review: reference
### Páginas públicas de willay (español, idioma de referencia): suscripción,
### confirmación (doble opt-in) y baja, más el correo de confirmación.
### No reveles nunca si una dirección ya está suscrita.

## Idioma

# El nombre de este idioma en sí mismo, para el selector de idioma.
web-language-name = Español
# El nombre de la organización, para el encabezado de las páginas.
web-org-name = { -org-name }
# Etiqueta del selector de idioma.
web-language-switcher = Idioma
# Pie de todas las páginas.
web-footer-privacy = Esta página no usa rastreadores ni publicidad.

## Suscripción

web-subscribe-title = Recibe las noticias de { -org-name }
web-subscribe-intro = Escribe tu correo y recibirás los mensajes de { -org-name } en tu idioma, gratis. Te pediremos que confirmes con un enlace.
# Variables:
#   $list (texto): el nombre de la lista a la que se suma la persona.
web-subscribe-list = Te sumarás a la lista «{ $list }».
web-field-email = Tu correo electrónico
web-field-name = Tu nombre
web-field-name-hint = Opcional. Lo usaremos para saludarte.
web-field-language = ¿En qué idioma quieres recibir los mensajes?
web-field-region = Tu región
web-field-region-hint = Opcional. Nos ayuda a enviarte información de tu zona.
web-subscribe-button = Suscribirme
web-subscribe-privacy = Guardamos tu correo, nombre, idioma y región solo para enviarte estos mensajes. No los compartimos con nadie. Puedes darte de baja cuando quieras.
web-error-email = Esta dirección de correo no es válida. Revísala y vuelve a escribirla.
web-error-list = Esa lista no existe.
web-error-form = El formulario caducó. Vuelve a enviarlo, por favor.

## Revisa tu correo

web-check-inbox-title = Revisa tu correo
web-check-inbox-body = Si la dirección no estaba ya suscrita, te enviamos un correo con un enlace para confirmar. Ábrelo para terminar. Si no lo ves en unos minutos, revisa la carpeta de correo no deseado.

## Confirmación

web-confirm-title = Confirma tu suscripción
web-confirm-body = Pulsa el botón para empezar a recibir los mensajes de { -org-name }.
web-confirm-button = Sí, quiero recibirlos
web-confirmed-title = Suscripción confirmada
web-confirmed-body = ¡Gracias! Desde ahora recibirás los mensajes de { -org-name }. Cada correo trae un enlace para darte de baja.
web-confirm-stale-title = Este enlace ya no sirve
web-confirm-stale-body = El enlace es anterior a tu baja. Si quieres volver a recibir los mensajes, suscríbete de nuevo con el formulario.

## Correo de confirmación

web-confirm-mail-subject = Confirma tu suscripción a { -org-name }
# Saludo sin nombre a propósito: el formulario es público y un nombre
# escrito por otra persona no debe llegar al buzón de nadie.
web-confirm-mail-greeting = Hola:
web-confirm-mail-body = Alguien (probablemente tú) pidió recibir los mensajes de { -org-name } en esta dirección. Si fuiste tú, confirma con el botón.
web-confirm-mail-button = Confirmar mi suscripción
# Versión de texto plano: el enlace va justo después.
web-confirm-mail-link-text = Para confirmar, abre este enlace:
# Variables:
#   $hours (número): cuántas horas vale el enlace.
web-confirm-mail-ignore = Si no fuiste tú, ignora este correo: no te enviaremos nada. El enlace vale { $hours } horas.

## Baja

web-unsubscribe-title = Dejar de recibir los mensajes
web-unsubscribe-body = Si ya no quieres recibir los correos de { -org-name }, pulsa el botón.
web-unsubscribe-button = Darme de baja
web-unsubscribed-title = Te diste de baja
web-unsubscribed-body = No te enviaremos más correos. Si cambias de idea, puedes volver a suscribirte cuando quieras.

## Enlaces con problemas

web-bad-link-title = Este enlace no es válido
web-bad-link-body = Puede que el enlace esté cortado o modificado. Copia el enlace completo del correo o pulsa el botón que trae.
web-expired-link-title = Este enlace caducó
web-expired-link-body = Suscríbete de nuevo con el formulario y te llegará un correo nuevo.
web-unknown-link-title = No encontramos a nadie con este enlace
web-unknown-link-body = No hay ninguna suscripción para este enlace. No tienes que hacer nada.
web-rate-limited-title = Demasiados intentos
# Variables:
#   $seconds (número): cuántos segundos esperar.
web-rate-limited-body = Enviaste muchas solicitudes seguidas. Espera { $seconds } segundos y vuelve a intentarlo.
