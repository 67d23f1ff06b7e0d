### review: reference
### Catálogo compartido de willay (español, idioma de referencia).
### Términos y textos del pie de página que usan todos los correos.

## Términos
## Nombres propios y expresiones que se repiten en varios mensajes.

# Nombre de la organización que envía los correos. Nombre propio: no se traduce.
-org-name = Colectivo Willay

# Línea telefónica nacional gratuita del MIMP, disponible las 24 horas.
# Nombre propio: no se traduce.
-helpline = Línea 100

# Servicios públicos y gratuitos del MIMP que brindan ayuda legal,
# psicológica y social a personas afectadas por la violencia.
-cem = Centros Emergencia Mujer (CEM)

# Ministerio del que dependen la Línea 100 y los CEM.
-mimp = Ministerio de la Mujer y Poblaciones Vulnerables (MIMP)

# Cantidad de mujeres, con concordancia de número.
# Variables:
#   $count (número): cuántas mujeres.
-women-count =
    { $count ->
        [one] una mujer
       *[other] { $count } mujeres
    }

## Pie de página del correo
## Textos fijos al final de cada mensaje, en la versión HTML y en la de texto plano.

# Explica por qué la persona recibe este correo.
email-footer-reason = Recibes este mensaje porque te suscribiste a las novedades de { -org-name }.

# Texto del enlace para darse de baja (versión HTML).
email-footer-unsubscribe = Darme de baja

# Frase que presenta el enlace de baja en la versión de texto plano.
# Debe terminar en dos puntos: el enlace va justo después.
email-footer-unsubscribe-text = Para dejar de recibir estos mensajes, abre este enlace:

# Aviso de privacidad: no se usan píxeles de seguimiento.
email-footer-privacy = No registramos si abres este mensaje.

# Dónde pedir ayuda urgente. Una sola oración.
email-footer-help = Si estás en peligro o necesitas ayuda, llama gratis a la { -helpline }, las 24 horas del día.
