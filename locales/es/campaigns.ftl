### review: reference
### Mensajes de campaña de willay (español, idioma de referencia).
###
### Cada mensaje es el cuerpo de un correo en texto plano: los párrafos se
### separan con una línea en blanco. No usar HTML ni Markdown.
### Variables que el programa pasa siempre a todos los mensajes:
###   $name (texto): nombre de la persona; puede estar vacío.
###   $has-name (texto): "yes" si hay nombre, "no" si no lo hay.
### Atributos:
###   .subject: asunto del correo (menos de 70 caracteres).
###   .preheader: texto de vista previa (menos de 110 caracteres).

## Campaña: esterilizaciones forzadas
## Justicia y reparación para las mujeres esterilizadas sin su consentimiento
## en los años noventa.

# Correo sobre el derecho a la justicia y a la reparación de las víctimas de
# esterilizaciones forzadas. Menciona el Registro de Víctimas de
# Esterilizaciones Forzadas (REVIESFO), creado en 2015, y que más de 2000
# mujeres han denunciado su caso ante la justicia. Tono cálido, sin culpa.
sterilisation-justice =
    { $has-name ->
        [yes] Hola, { $name }:
       *[no] Hola:
    }

    En los años noventa, miles de mujeres en el Perú, sobre todo mujeres quechuahablantes de comunidades rurales, fueron esterilizadas sin su consentimiento libre e informado. Si esto te pasó a ti o a alguien de tu familia, queremos que sepas que no fue tu culpa. El Estado tiene el deber de reconocer lo que pasó y de reparar el daño.

    En 2015 se creó el Registro de Víctimas de Esterilizaciones Forzadas (REVIESFO). Inscribirte es gratuito y te permite pedir asistencia legal, acompañamiento psicológico y atención de salud.

    Más de { -women-count(count: 2000) } ya han denunciado su caso ante la justicia. Tú también tienes derecho a inscribirte y a exigir reparación, a tu ritmo y con tu propia voz.

    En { -org-name } podemos acompañarte en este camino. No estás sola.
    .subject = Esterilizaciones forzadas: tu derecho a la justicia y la reparación
    .preheader = Inscribirte en el REVIESFO es gratuito. No estás sola: miles de mujeres siguen exigiendo justicia.

## Campaña: derechos de las sobrevivientes
## Derechos de las sobrevivientes de violencia sexual y dónde pedir ayuda.

# Correo sobre los derechos de las sobrevivientes de violencia sexual:
# Ley 30364 (2015), Sistema Nacional Especializado de Justicia (SNEJ, 2018),
# la Línea 100 del MIMP y los Centros Emergencia Mujer. Mensaje central:
# no es tu culpa y hay ayuda gratuita.
survivor-rights =
    { $has-name ->
        [yes] Hola, { $name }:
       *[no] Hola:
    }

    Si viviste o estás viviendo violencia sexual, queremos que sepas algo: no es tu culpa y no estás sola. Lo que sientes es válido, y pedir ayuda es un derecho.

    Desde 2015, la Ley 30364, Ley para prevenir, sancionar y erradicar la violencia contra las mujeres y los integrantes del grupo familiar, reconoce la violencia sexual como una forma de violencia. Con esta ley puedes pedir medidas de protección.

    En 2018 se creó el Sistema Nacional Especializado de Justicia (SNEJ), para que jueces, fiscales y policías especializados atiendan estos casos.

    Si necesitas hablar con alguien, llama a la { -helpline } del { -mimp }: es gratuita y atiende las 24 horas. Los { -cem } te brindan ayuda legal, psicológica y social sin costo, y pueden acompañarte si decides denunciar.

    Tú decides cuándo y cómo dar cada paso. En { -org-name } estamos contigo.
    .subject = No es tu culpa: tus derechos y dónde pedir ayuda
    .preheader = La { -helpline } es gratuita y atiende las 24 horas. Los CEM te brindan ayuda legal, psicológica y social.

## Campaña: trabajadoras agroexportadoras
## Derechos de las trabajadoras del sector agroexportador (por ejemplo, en Ica)
## frente al hostigamiento sexual.

# Correo para trabajadoras del campo, las plantas de empaque y la
# agroexportación: derecho a trabajar sin hostigamiento sexual (Ley 27942,
# 2003), obligación del empleador de prevenir y tener un procedimiento de
# queja, y dónde denunciar o pedir ayuda (SUNAFIL, Línea 100, CEM).
agro-workers-rights =
    { $has-name ->
        [yes] Hola, { $name }:
       *[no] Hola:
    }

    Si trabajas en el campo, en una planta de empaque o en otra empresa agroexportadora, en Ica o en cualquier otra región, tienes derecho a trabajar sin hostigamiento sexual. Comentarios, tocamientos o propuestas de tipo sexual que no quieres no son parte del trabajo, y tampoco lo es que te ofrezcan o te quiten trabajo a cambio de ellos.

    La Ley 27942, Ley de Prevención y Sanción del Hostigamiento Sexual, protege este derecho desde 2003. Tu empleador está obligado a prevenir el hostigamiento sexual y a tener un procedimiento para recibir e investigar las quejas.

    Puedes presentar tu queja en tu centro de trabajo y también ante la SUNAFIL, la Superintendencia Nacional de Fiscalización Laboral. Si necesitas orientación o apoyo, llama gratis a la { -helpline } o acude a los { -cem }.

    No es tu culpa y no tienes que enfrentarlo sola. En { -org-name } estamos para escucharte.
    .subject = Trabajar sin hostigamiento sexual es tu derecho
    .preheader = En el campo y en las plantas de empaque, tu empleador debe prevenir el hostigamiento sexual.
