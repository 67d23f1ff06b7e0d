### review: reference
### El panel del personal de willay (español, idioma de referencia): ingreso,
### campañas, alcance y la creación de campañas. Lo leen coordinadoras,
### analistas y traductoras, no programadoras: palabras claras, sin jerga.

## Marco de todas las páginas

dash-nav-home = Campañas y alcance
dash-nav-new = Nueva campaña
# Variables:
#   $name (texto): el nombre de la persona (o del token) que ingresó.
dash-signed-in = Sesión de { $name }
dash-logout = Cerrar sesión
dash-language = Idioma del panel
dash-language-save = Cambiar
dash-language-token = Una sesión abierta con un token no guarda un idioma: ingresa con tu nombre y contraseña para elegirlo.
dash-back = Volver al panel

## Roles

dash-role-admin = administración
dash-role-manager = coordinación de campañas
dash-role-translator = traducción
dash-role-analyst = análisis

## Estados de una campaña

dash-status-draft = borrador
dash-status-scheduled = programada
dash-status-running = enviándose
dash-status-paused = en pausa
dash-status-done = terminada
dash-status-cancelled = cancelada

## Resumen: campañas y alcance

dash-overview-title = Campañas y alcance
dash-totals-all = Totales de todas las campañas
dash-totals-campaign = Totales de esta campaña
dash-campaigns = Campañas
dash-no-campaigns = Todavía no hay campañas.
dash-create-first = Crea la primera.
dash-col-campaign = Campaña
dash-col-message = Mensaje
dash-col-status = Estado
dash-col-starts = Empieza
dash-col-progress = Avance
dash-col-sent = Enviados
dash-col-failed = Fallidos
# Variables:
#   $id (número): el número de la campaña.
dash-progress-of = Avance de la campaña { $id }
dash-stat-reached = personas alcanzadas
dash-stat-delivered = mensajes entregados
dash-stat-pending = pendientes
dash-stat-failed = fallidos
dash-stat-unsubscribed = bajas desde entonces
dash-by-language = Por idioma
dash-by-region = Por región
dash-over-time = En el tiempo

## Gráficos

# Lo que cuentan los gráficos del resumen.
dash-scope-all = todas las campañas
# Variables:
#   $scope (texto): «todas las campañas» o el nombre de una campaña.
dash-chart-language = Personas alcanzadas por idioma ({ $scope })
# Variables:
#   $scope (texto): «todas las campañas» o el nombre de una campaña.
dash-chart-region = Personas alcanzadas por región ({ $scope })
# Variables:
#   $scope (texto): «todas las campañas» o el nombre de una campaña.
dash-chart-day = Personas alcanzadas por día, hora UTC ({ $scope })
dash-chart-no-data = Todavía no hay datos.
dash-chart-no-deliveries = Todavía no se entregó ningún mensaje.
# Una barra de personas sin región registrada.
dash-chart-unnamed = (sin dato)
# Variables:
#   $day (texto): la fecha, AAAA-MM-DD.
#   $people (texto): personas alcanzadas ese día, ya con separadores.
#   $messages (texto): mensajes entregados ese día, ya con separadores.
dash-chart-day-point = { $day }: { $people } personas alcanzadas, { $messages } mensajes

## Una campaña

# Variables:
#   $message (texto): el identificador del mensaje.
#   $lists (texto): las listas, separadas por comas.
#   $audience (texto): cuántas personas confirmadas alcanzan hoy esas listas.
#   $starts (texto): fecha y hora de inicio, o «—».
#   $zone (texto): la zona horaria, p. ej. UTC−05:00.
dash-campaign-summary = Mensaje «{ $message }» para { $lists }. Audiencia actual: { $audience } personas confirmadas. Empieza: { $starts } ({ $zone }).
# Variables (texto, ya con separadores): $percent, $sent, $pending, $sending, $failed, $skipped.
dash-campaign-progress = { $percent } % hecho: { $sent } enviados, { $pending } pendientes, { $sending } en envío, { $failed } fallidos, { $skipped } omitidos.
# Variables:
#   $people (texto): cuántas personas.
#   $wanted (texto): el idioma que piden.
#   $used (texto): el idioma que recibirán.
dash-fallback-missing = { $people } personas que piden «{ $wanted }» recibirán «{ $used }»: el mensaje no tiene traducción a «{ $wanted }».
# Variables: como en dash-fallback-missing.
dash-fallback-broken = { $people } personas que piden «{ $wanted }» recibirán «{ $used }»: la traducción a «{ $wanted }» tiene errores (véase «willay locales check»).
dash-live-note = Esta página se actualiza cada 5 segundos mientras la campaña está programada o enviándose.
dash-action-schedule = Programar
dash-action-pause = Pausar
dash-action-resume = Reanudar
dash-action-cancel = Cancelar
# Variables:
#   $failed (texto): cuántos mensajes fallaron.
dash-retry-reason = ¿Por qué reintentar los { $failed } mensajes fallidos? (queda anotado en el registro)
dash-retry-placeholder = p. ej., ya se arregló el acceso al servidor de correo
dash-retry-button = Reintentar los mensajes fallidos

## Nueva campaña

dash-new-title = Nueva campaña
dash-preview-message = Mensaje para ver
dash-preview-show = Ver este mensaje
# Variables:
#   $message (texto): el identificador del mensaje.
dash-previews-heading = «{ $message }» en cada idioma
# Variables:
#   $locale (texto): el idioma sin traducción.
dash-preview-fallback = (no hay traducción a «{ $locale }»: quienes lo piden reciben esta)
# Variables:
#   $message (texto): el identificador del mensaje.
#   $locale (texto): el idioma de la vista previa.
dash-preview-frame = Vista previa de «{ $message }» en «{ $locale }»
dash-create-heading = Crear y programar
dash-message-label = Mensaje:
dash-name-label = Nombre (opcional)
dash-send-to = Enviar a (quien está en varias listas recibe un solo mensaje)
# Variables:
#   $confirmed (texto): personas confirmadas de la lista.
#   $members (texto): todas las personas de la lista.
dash-list-counts = ({ $confirmed } confirmadas de { $members })
dash-no-lists = Todavía no hay listas. Crea una con la API o en el servidor:
dash-when = Cuándo
dash-when-draft = Guardar como borrador
dash-when-now = Empezar ahora
# Variables:
#   $zone (texto): la zona horaria, p. ej. UTC−05:00.
dash-when-at = Empezar a esta hora ({ $zone }):
# Variables:
#   $zone (texto): la zona horaria.
dash-start-time = hora de inicio ({ $zone })
dash-create-button = Crear la campaña

## Errores

dash-not-found-title = No encontrado
dash-not-found = Esa página no existe en el panel.
dash-conflict-title = No es posible ahora
dash-invalid-title = Revisa el formulario
dash-error-title = Algo salió mal
dash-server-error = La solicitud falló en el servidor; quedó registrado para revisarlo.
dash-forged-title = El formulario caducó
dash-forged = Este formulario no se envió desde una página de esta sesión del panel (falta su valor de seguridad o no es el correcto). Vuelve atrás, recarga la página e inténtalo de nuevo.
dash-forbidden-title = No permitido
# Variables:
#   $role (texto): el rol de la persona, p. ej. «análisis».
dash-forbidden = Tu rol ({ $role }) no abre esta página. Si la necesitas, pídelo a una persona de administración.
dash-refused-other = La solicitud no se pudo hacer.
dash-detail-english = Detalle técnico (en inglés):
dash-refused-campaign-not-found = No existe esa campaña.
dash-refused-no-such-action = Esa acción no existe para una campaña.
dash-refused-invalid-transition = La campaña ya no está en un estado que permita ese cambio. Recarga la página para ver su estado actual.
dash-refused-invalid-time = Esa fecha y hora no es válida.
dash-refused-missing-time = Elige una hora de inicio, o «Empezar ahora», o «Guardar como borrador».
dash-refused-invalid-list-name = El nombre de una lista no es válido.
dash-refused-unknown-list = Una de las listas elegidas ya no existe.
dash-refused-unknown-message = Ese mensaje no existe en el catálogo.

## Ingreso

dash-login-title = Ingreso
dash-login-heading = willay: ingreso del personal
dash-login-name = Nombre
dash-login-password = Contraseña
dash-login-button = Ingresar
dash-login-help = ¿Todavía no tienes contraseña, o la olvidaste? Una persona de administración te envía un enlace con:
dash-login-refused-password = El nombre y la contraseña no coinciden.
dash-login-refused-token = Ese token no es válido (o fue revocado).
dash-login-failed-title = No se pudo ingresar
dash-login-failed = No se pudo completar el ingreso por un problema en el servidor; quedó registrado. Inténtalo más tarde.
dash-token-summary = Ingresar con un token de la API
dash-token = Token de la API
dash-token-button = Ingresar con el token
dash-token-help = Se crea un token en el servidor con:

## Elegir la contraseña (el enlace de un solo uso)

dash-password-title = Elige tu contraseña
# Variables:
#   $name (texto): el nombre de la persona.
#   $min (texto): el mínimo de caracteres.
dash-password-for = Para { $name }. Al menos { $min } caracteres: unas cuantas palabras que recuerdes son una buena contraseña.
dash-password-new = Nueva contraseña
dash-password-again = La misma contraseña otra vez
dash-password-button = Guardar la contraseña
dash-password-done = Tu contraseña quedó guardada. Este enlace ya no funciona.
# Variables:
#   $hours (texto): cuántas horas vale un enlace.
dash-password-dead = Este enlace ya no es válido: ya se usó o tiene más de { $hours } horas. Pide uno nuevo a una persona de administración.
# Variables:
#   $min (texto): el mínimo de caracteres.
dash-password-too-short = La contraseña necesita al menos { $min } caracteres (unas cuantas palabras son una buena contraseña).
# Variables:
#   $max (texto): el máximo de caracteres.
dash-password-too-long = La contraseña puede tener como mucho { $max } caracteres.
dash-password-mismatch = Las dos contraseñas no son iguales.

## Personas (coordinación y administración)

dash-nav-people = Personas
dash-people-title = Personas
dash-people-q = Buscar por el inicio del correo o del nombre
dash-people-any = (cualquiera)
dash-people-list = Lista
dash-people-region = Región
dash-people-language = Idioma (etiqueta, p. ej. quz-PE)
dash-people-search = Buscar
dash-people-found = Resultados
dash-people-none = Nadie coincide con esta búsqueda.
dash-people-name = Nombre
dash-people-email = Correo
dash-people-no-name = (sin nombre)
dash-people-next = Página siguiente
dash-people-erased = La persona fue borrada: sus datos ya no están en willay; sus envíos quedan solo como cifras.
dash-person-status-confirmed = confirmada
dash-person-status-unconfirmed = sin confirmar
dash-person-status-unsubscribed = dada de baja
dash-person-status-bounced = correo rebotado
dash-person-title = Una persona
dash-person-back = Volver a la búsqueda
dash-person-lists = Listas
dash-person-added = Registrada
dash-person-consent = Consentimiento
dash-person-left = Se dio de baja
dash-person-profile = Idioma y región
dash-person-save = Guardar
dash-person-deliveries = Mensajes por campaña
dash-person-no-deliveries = Todavía no recibió ninguna campaña.
dash-person-locale = Idioma enviado
dash-person-attempts = Intentos
dash-person-sent-at = Entregado
dash-delivery-pending = pendiente
dash-delivery-sending = en envío
dash-delivery-sent = entregado
dash-delivery-failed = fallido
dash-delivery-skipped = omitido
dash-person-leave = Baja y borrado
dash-person-unsubscribe = Dar de baja
dash-person-erase = Borrar a esta persona…
dash-person-erase-note = Dar de baja deja de enviarle mensajes. Borrar quita su correo, su nombre y sus listas para siempre; las campañas solo guardan cifras sin nombre.
dash-erase-heading = ¿Borrar a esta persona para siempre?
dash-erase-explain = Su correo, su nombre y sus listas se borran y no se pueden recuperar. Los mensajes pendientes no se enviarán. El alcance de las campañas no cambia.
dash-erase-confirm = Sí, borrar a esta persona para siempre
dash-erase-button = Borrar
dash-erase-keep = No borrar
dash-refused-subscriber-not-found = No existe esa persona.
dash-refused-invalid-language = Ese idioma no es una etiqueta válida (p. ej. es, en-GB, quz-PE).
dash-refused-invalid-status = Ese estado no existe.
dash-refused-region-too-long = La región es demasiado larga.

## Listas

dash-nav-lists = Listas
dash-lists-title = Listas
dash-lists-all = Todas las listas
dash-lists-none = Todavía no hay listas.
dash-lists-members = Personas
dash-lists-confirmed = Confirmadas
dash-lists-rename = Renombrar
# Variables:
#   $list (texto): el nombre actual de la lista.
dash-lists-new-name = Nuevo nombre de la lista «{ $list }»
dash-lists-delete = Borrar
dash-lists-delete-confirm = Sí, borrar
dash-lists-delete-note = Borrar una lista no borra a sus personas. Una lista a la que ya se envió una campaña se conserva, para que la campaña diga a quiénes llegó.
dash-lists-new = Nueva lista
dash-lists-create = Crear la lista
dash-lists-created = La lista quedó creada.
dash-lists-renamed = La lista quedó renombrada.
dash-lists-deleted = La lista quedó borrada; sus personas siguen en willay.
dash-refused-list-exists = Ya hay una lista con ese nombre.
dash-refused-list-in-use = Ya se enviaron campañas a esta lista: se conserva para que esas campañas digan a quiénes llegaron.
dash-refused-list-not-found = No existe esa lista.
dash-refused-unconfirmed = Marca la casilla para confirmar el borrado.

## Registro de actividad

dash-nav-audit = Registro de actividad
dash-audit-title = Registro de actividad
dash-audit-intro = Quién hizo qué y cuándo. El registro guarda números y no puede cambiarse ni borrarse; nunca guarda el correo ni el nombre de una persona suscrita.
dash-audit-action = Acción
dash-audit-who = Quién
dash-audit-since = Desde el día
dash-audit-until = Hasta el día
dash-audit-filter = Filtrar
dash-audit-events = Actividad
dash-audit-none = No hay actividad con estos filtros.
dash-audit-when = Cuándo
dash-audit-subject = Sobre
dash-audit-detail = Detalle
dash-audit-older = Actividad anterior
dash-audit-actor-cli = la línea de comandos del servidor
dash-audit-actor-visitor = alguien sin sesión
# Variables:
#   $id (número): el número del token.
dash-audit-actor-token = token n.º { $id }
dash-audit-kind-subscriber = persona
dash-audit-kind-list = lista
dash-audit-kind-campaign = campaña
dash-audit-kind-staff = equipo
dash-audit-kind-token = token
dash-refused-invalid-action = Esa acción no existe en el registro.
dash-refused-unknown-staff = No hay nadie del equipo con ese nombre.
dash-audit-session-login = Ingresó al panel
dash-audit-session-login-refused = Ingreso rechazado
dash-audit-session-logout = Cerró la sesión
dash-audit-subscribers-import = Importó personas
dash-audit-subscriber-create = Agregó a una persona
dash-audit-subscriber-update = Cambió el idioma o la región de una persona
dash-audit-subscriber-confirm = Registró el consentimiento de una persona
dash-audit-subscriber-unsubscribe = Dio de baja a una persona
dash-audit-subscriber-erase = Borró a una persona
dash-audit-list-create = Creó una lista
dash-audit-list-rename = Renombró una lista
dash-audit-list-delete = Borró una lista
dash-audit-campaign-create = Creó una campaña
dash-audit-campaign-schedule = Programó una campaña
dash-audit-campaign-pause = Pausó una campaña
dash-audit-campaign-resume = Reanudó una campaña
dash-audit-campaign-cancel = Canceló una campaña
dash-audit-campaign-retry = Reintentó los mensajes fallidos de una campaña
dash-audit-staff-add = Agregó a una persona del equipo
dash-audit-staff-remove = Quitó a una persona del equipo
dash-audit-staff-set-role = Cambió el rol de una persona del equipo
dash-audit-staff-password-link = Envió un enlace para elegir contraseña
dash-audit-staff-password-set = Eligió su contraseña
dash-audit-token-create = Creó un token de la API
dash-audit-token-revoke = Revocó un token de la API

## Importar personas

dash-import-title = Importar personas
dash-import-upload = Subir un archivo
dash-import-explain = Un archivo CSV (también el que guarda Excel en Windows) o un libro de Excel (.xlsx). La primera fila nombra las columnas: email (obligatoria), name, language, region. Una fila con errores no se importa y se indica su número; las demás sí.
dash-import-file = Archivo
dash-import-button = Importar
dash-import-consent = Quienes estén en el archivo quedan confirmadas: súbelo solo si dieron su consentimiento para recibir los mensajes.
dash-import-no-lists = Primero crea una lista.
dash-import-report = Resultado de la importación
# Variables (texto, ya con separadores): $created, $updated, $rejected.
dash-import-summary = { $created } personas nuevas, { $updated } actualizadas, { $rejected } filas no importadas.
dash-import-rejected = Filas no importadas
dash-import-warnings = Filas importadas con una advertencia
dash-import-line = Fila
dash-import-why = Motivo
dash-import-english = Los motivos se muestran en inglés por ahora.
dash-refused-empty-upload = Elige un archivo para importar.
dash-refused-unreadable-upload = No se pudo leer el archivo enviado.

dash-lists-export = Exportar
dash-lists-export-csv = CSV
dash-lists-export-note = Exportar descarga las direcciones y los nombres de la lista: queda anotado en el registro de actividad. Guarda el archivo en un lugar seguro y bórralo cuando ya no lo necesites.
dash-audit-subscribers-export = Exportó las personas de una lista

## Mensajes (traducción)

dash-nav-messages = Mensajes
dash-messages-title = Mensajes
dash-messages-intro = Cada mensaje del catálogo tal como lo recibirá cada persona, en cada idioma. Si falta una traducción, se indica y se muestra la que se enviará en su lugar.
