### review: pending — awaiting native-speaker review (Quechua).
### willay nisqap panelnin, llamk'aqkunapaq (runasimi): yaykuy, kampañakuna,
### chayasqankupas. Staff dashboard (Southern Quechua): machine-assisted
### draft; a native speaker should review it before staff rely on it.

# review: pending
dash-nav-home = Kampañakuna, chayasqankupas
# review: pending
dash-nav-new = Musuq kampaña
# review: pending
dash-signed-in = { $name } yaykusqa
# review: pending
dash-logout = Lluqsiy
# review: pending
dash-language = Panelpa simin
# review: pending
dash-language-save = Tikray
# review: pending
dash-language-token = Token nisqawan kichasqa sesionqa manam simita waqaychanchu: sutiykiwan, pakasqa simiykiwan yaykuy akllanaykipaq.
# review: pending
dash-back = Panelman kutiy
# review: pending
dash-role-admin = kamachiq
# review: pending
dash-role-manager = kampañakunata kamachiq
# review: pending
dash-role-translator = tikraq
# review: pending
dash-role-analyst = yupaykunata qhawaq
# review: pending
dash-status-draft = borrador
# review: pending
dash-status-scheduled = p'unchawchasqa
# review: pending
dash-status-running = kachakuchkan
# review: pending
dash-status-paused = sayachisqa
# review: pending
dash-status-done = tukusqa
# review: pending
dash-status-cancelled = saqisqa
# review: pending
dash-overview-title = Kampañakuna, chayasqankupas
# review: pending
dash-totals-all = Llapan kampañakunapa yupaynin
# review: pending
dash-totals-campaign = Kay kampañapa yupaynin
# review: pending
dash-campaigns = Kampañakuna
# review: pending
dash-no-campaigns = Manaraqmi kampañakuna kanchu.
# review: pending
dash-create-first = Ñawpaq kaqta ruray.
# review: pending
dash-col-campaign = Kampaña
# review: pending
dash-col-message = Willakuy
# review: pending
dash-col-status = Imayna kachkan
# review: pending
dash-col-starts = Qallarin
# review: pending
dash-col-progress = Puriynin
# review: pending
dash-col-sent = Kachasqa
# review: pending
dash-col-failed = Mana chayasqa
# review: pending
dash-progress-of = { $id } kampañapa puriynin
# review: pending
dash-stat-reached = runakuna chayasqa
# review: pending
dash-stat-delivered = willakuykuna chayasqa
# review: pending
dash-stat-pending = suyachkan
# review: pending
dash-stat-failed = mana chayasqa
# review: pending
dash-stat-unsubscribed = chaymanta lluqsiqkuna
# review: pending
dash-by-language = Simikunaman hina
# review: pending
dash-by-region = Suyukunaman hina
# review: pending
dash-over-time = P'unchawkunaman hina
# review: pending
dash-scope-all = llapan kampañakuna
# review: pending
dash-chart-language = Simiman hina chayasqa runakuna ({ $scope })
# review: pending
dash-chart-region = Suyuman hina chayasqa runakuna ({ $scope })
# review: pending
dash-chart-day = Sapa p'unchaw chayasqa runakuna, UTC ({ $scope })
# review: pending
dash-chart-no-data = Manaraqmi yupaykuna kanchu.
# review: pending
dash-chart-no-deliveries = Manaraqmi ni huk willakuypas chayanchu.
# review: pending
dash-chart-unnamed = (mana riqsisqa)
# review: pending
dash-chart-day-point = { $day }: { $people } runakuna chayasqa, { $messages } willakuykuna
# review: pending
dash-campaign-summary = «{ $message }» willakuy { $lists } listakunaman. Kunan: { $audience } takyachisqa runakuna. Qallarin: { $starts } ({ $zone }).
# review: pending
dash-campaign-progress = { $percent } % ruwasqa: { $sent } kachasqa, { $pending } suyachkan, { $sending } kachakuchkan, { $failed } mana chayasqa, { $skipped } saqisqa.
# review: pending
dash-fallback-missing = «{ $wanted }» simita munaq { $people } runakuna «{ $used }» simipi chaskinqaku: willakuyqa manam «{ $wanted }» simiman tikrasqachu.
# review: pending
dash-fallback-broken = «{ $wanted }» simita munaq { $people } runakuna «{ $used }» simipi chaskinqaku: «{ $wanted }» tikrasqapi pantaykuna kan («willay locales check» qhaway).
# review: pending
dash-live-note = Kay paginaqa sapa 5 segundopi musuqyakun, kampaña p'unchawchasqa kaptin utaq kachakuchkaptin.
# review: pending
dash-action-schedule = P'unchawchay
# review: pending
dash-action-pause = Sayachiy
# review: pending
dash-action-resume = Hukmanta qallariy
# review: pending
dash-action-cancel = Saqiy
# review: pending
dash-retry-reason = ¿Imaraykutaq { $failed } mana chayasqa willakuykunata hukmanta kachanki? (qillqasqa kanqa)
# review: pending
dash-retry-placeholder = kayhina: correo servidorman yaykuyqa allichasqañam
# review: pending
dash-retry-button = Mana chayasqakunata hukmanta kachay
# review: pending
dash-new-title = Musuq kampaña
# review: pending
dash-preview-message = Qhawanapaq willakuy
# review: pending
dash-preview-show = Kay willakuyta qhawachiy
# review: pending
dash-previews-heading = «{ $message }» sapa simipi
# review: pending
dash-preview-fallback = (manam «{ $locale }» simiman tikrasqachu: chayta mañakuqkunaqa kaytam chaskinku)
# review: pending
dash-preview-frame = «{ $message }» «{ $locale }» simipi
# review: pending
dash-create-heading = Ruray, p'unchawchaypas
# review: pending
dash-message-label = Willakuy:
# review: pending
dash-name-label = Sutin (munaspaqa)
# review: pending
dash-send-to = Kaykunaman kachay (achka listapi kaq runaqa huk willakuyllatam chaskin)
# review: pending
dash-list-counts = ({ $members } ukhupi { $confirmed } takyachisqa)
# review: pending
dash-no-lists = Manaraqmi listakuna kanchu. APIwan utaq servidorpi ruray:
# review: pending
dash-when = Hayk'aq
# review: pending
dash-when-draft = Borradorta waqaychay
# review: pending
dash-when-now = Kunanpacha qallariy
# review: pending
dash-when-at = Kay horapi qallariy ({ $zone }):
# review: pending
dash-start-time = qallarina hora ({ $zone })
# review: pending
dash-create-button = Kampañata ruray
# review: pending
dash-not-found-title = Manam tarikunchu
# review: pending
dash-not-found = Kay paginaqa manam panelpi kanchu.
# review: pending
dash-conflict-title = Kunanqa manam atikunchu
# review: pending
dash-invalid-title = Formulariota qhawariy
# review: pending
dash-error-title = Imapas mana allinchu karqan
# review: pending
dash-server-error = Servidorpi mañakuyqa pantarqan; qillqasqam kachkan.
# review: pending
dash-forged-title = Formularioqa tukukunñam
# review: pending
dash-forged = Kay formularioqa manam kay sesionpa paginanmanta kachasqachu (seguridad chaninmi pisin utaq mana allinchu). Ñawpaqman kutiy, paginata musuqyachiy, hinaspa hukmanta ruray.
# review: pending
dash-forbidden-title = Manam atikunchu
# review: pending
dash-forbidden = Rolniyki ({ $role }) manam kay paginata kichanchu. Munaspaqa kamachiqta mañakuy.
# review: pending
dash-refused-other = Mañakuyqa manam ruwakuyta atikurqanchu.
# review: pending
dash-detail-english = Técnico willakuy (inglés simipi):
# review: pending
dash-refused-campaign-not-found = Chay kampañaqa manam kanchu.
# review: pending
dash-refused-no-such-action = Kampañapaqqa manam chay ruwayqa kanchu.
# review: pending
dash-refused-invalid-transition = Kampañaqa manañam chay tikrayta atinchu. Paginata musuqyachiy imayna kachkasqanta qhawanaykipaq.
# review: pending
dash-refused-invalid-time = Chay p'unchaw, horapas manam allinchu.
# review: pending
dash-refused-missing-time = Qallarina horata akllay, utaq «Kunanpacha qallariy», utaq «Borradorta waqaychay».
# review: pending
dash-refused-invalid-list-name = Huk listapa sutinqa manam allinchu.
# review: pending
dash-refused-unknown-list = Akllasqa listakunamanta hukninqa manañam kanchu.
# review: pending
dash-refused-unknown-message = Chay willakuyqa manam catalogopi kanchu.
# review: pending
dash-login-title = Yaykuy
# review: pending
dash-login-heading = willay: llamk'aqkunapa yaykunan
# review: pending
dash-login-name = Suti
# review: pending
dash-login-password = Pakasqa simi
# review: pending
dash-login-button = Yaykuy
# review: pending
dash-login-help = ¿Manaraqchu pakasqa simiyki kan, utaq qunqarqankichu? Kamachiqmi huk enlaceta kachamusunki kaywan:
# review: pending
dash-login-refused-password = Sutiwan pakasqa simiwanqa manam tupanchu.
# review: pending
dash-login-refused-token = Chay tokenqa manam allinchu (utaq chinkachisqam).
# review: pending
dash-login-failed-title = Manam yaykuyta atikurqanchu
# review: pending
dash-login-failed = Servidorpi huk sasachakuy kasqanrayku manam yaykuyta atikurqanchu; qillqasqam kachkan. Qhipaman hukmanta ruray.
# review: pending
dash-token-summary = API tokenwan yaykuy
# review: pending
dash-token = API token
# review: pending
dash-token-button = Tokenwan yaykuy
# review: pending
dash-token-help = Servidorpim tokenqa kaywan ruwakun:
# review: pending
dash-password-title = Pakasqa simiykita akllay
# review: pending
dash-password-for = { $name }paq. Aswan pisiqa { $min } letrakuna: yuyanayki huk iskay simikunam allin pakasqa simi.
# review: pending
dash-password-new = Musuq pakasqa simi
# review: pending
dash-password-again = Kikin pakasqa simi hukmanta
# review: pending
dash-password-button = Pakasqa simita waqaychay
# review: pending
dash-password-done = Pakasqa simiykiqa waqaychasqañam. Kay enlaceqa manañam llamk'anchu.
# review: pending
dash-password-dead = Kay enlaceqa manañam allinchu: ñam llamk'achisqa, utaq { $hours } horamanta aswan unaymi. Kamachiqta musuqta mañakuy.
# review: pending
dash-password-too-short = Pakasqa simiqa aswan pisiqa { $min } letrakunayuqmi kanan (huk iskay simikunam allin).
# review: pending
dash-password-too-long = Pakasqa simiqa aswan achkaqa { $max } letrakunayuqllam kanman.
# review: pending
dash-password-mismatch = Iskaynin pakasqa simikunaqa manam kaqllachu.

# review: pending
dash-nav-people = Runakuna
# review: pending
dash-people-title = Runakuna
# review: pending
dash-people-q = Correopa utaq sutipa qallariyninwan maskay
# review: pending
dash-people-any = (mayqinpas)
# review: pending
dash-people-list = Lista
# review: pending
dash-people-region = Suyu
# review: pending
dash-people-language = Simi (etiqueta, kayhina: quz-PE)
# review: pending
dash-people-search = Maskay
# review: pending
dash-people-found = Tarisqakuna
# review: pending
dash-people-none = Manam pipas kay maskaywan tupanchu.
# review: pending
dash-people-name = Suti
# review: pending
dash-people-email = Correo
# review: pending
dash-people-no-name = (mana sutiyuq)
# review: pending
dash-people-next = Qatiq pagina
# review: pending
dash-people-erased = Runaqa pichasqañam: willaypiqa manañam willakuyninkuna kanchu; kachasqakunaqa yupayllam qhipakun.
# review: pending
dash-person-status-confirmed = takyachisqa
# review: pending
dash-person-status-unconfirmed = mana takyachisqa
# review: pending
dash-person-status-unsubscribed = lluqsisqa
# review: pending
dash-person-status-bounced = correo kutimun
# review: pending
dash-person-title = Huk runa
# review: pending
dash-person-back = Maskayman kutiy
# review: pending
dash-person-lists = Listakuna
# review: pending
dash-person-added = Qillqasqa
# review: pending
dash-person-consent = Arinakuy
# review: pending
dash-person-left = Lluqsirqan
# review: pending
dash-person-profile = Simi, suyupas
# review: pending
dash-person-save = Waqaychay
# review: pending
dash-person-deliveries = Sapa kampañapa willakuyninkuna
# review: pending
dash-person-no-deliveries = Manaraqmi ni huk kampañapas chayanchu.
# review: pending
dash-person-locale = Kachasqa simi
# review: pending
dash-person-attempts = Kutikuna
# review: pending
dash-person-sent-at = Chayasqa
# review: pending
dash-delivery-pending = suyachkan
# review: pending
dash-delivery-sending = kachakuchkan
# review: pending
dash-delivery-sent = chayasqa
# review: pending
dash-delivery-failed = mana chayasqa
# review: pending
dash-delivery-skipped = saqisqa
# review: pending
dash-person-leave = Lluqsichiy, pichaypas
# review: pending
dash-person-unsubscribe = Lluqsichiy
# review: pending
dash-person-erase = Kay runata pichay…
# review: pending
dash-person-erase-note = Lluqsichispaqa manañam willakuykuna kachakunchu. Pichaspaqa correonta, sutinta, listankunatapas wiñaypaq qichun; kampañakunaqa mana sutiyuq yupayllatam waqaychan.
# review: pending
dash-erase-heading = ¿Kay runata wiñaypaq pichankichu?
# review: pending
dash-erase-explain = Correon, sutin, listankunapas pichakunqa, manañam kutichiyta atikunqachu. Suyachkaq willakuykunaqa manam kachakunqachu. Kampañakunapa chayasqanqa manam tikrakunchu.
# review: pending
dash-erase-confirm = Arí, kay runata wiñaypaq pichay
# review: pending
dash-erase-button = Pichay
# review: pending
dash-erase-keep = Ama pichaychu
# review: pending
dash-refused-subscriber-not-found = Chay runaqa manam kanchu.
# review: pending
dash-refused-invalid-language = Chay simiqa manam allin etiquetachu (kayhina: es, en-GB, quz-PE).
# review: pending
dash-refused-invalid-status = Chay imayna kayqa manam kanchu.
# review: pending
dash-refused-region-too-long = Suyupa sutinqa nishu hatunmi.

# review: pending
dash-nav-lists = Listakuna
# review: pending
dash-lists-title = Listakuna
# review: pending
dash-lists-all = Llapan listakuna
# review: pending
dash-lists-none = Manaraqmi listakuna kanchu.
# review: pending
dash-lists-members = Runakuna
# review: pending
dash-lists-confirmed = Takyachisqakuna
# review: pending
dash-lists-rename = Sutinta tikray
# review: pending
dash-lists-new-name = «{ $list }» listapa musuq sutin
# review: pending
dash-lists-delete = Pichay
# review: pending
dash-lists-delete-confirm = Arí, pichay
# review: pending
dash-lists-delete-note = Huk listata pichaspaqa runankunataqa manam pichanchu. Kampaña kachasqa listaqa waqaychasqam qhipakun, chay kampaña pikunaman chayasqanta willananpaq.
# review: pending
dash-lists-new = Musuq lista
# review: pending
dash-lists-create = Listata ruray
# review: pending
dash-lists-created = Listaqa ruwasqañam.
# review: pending
dash-lists-renamed = Listapa sutinqa tikrasqañam.
# review: pending
dash-lists-deleted = Listaqa pichasqañam; runankunaqa willaypiraqmi kachkanku.
# review: pending
dash-refused-list-exists = Ñam chay sutiyuq lista kan.
# review: pending
dash-refused-list-in-use = Kay listamanqa ñam kampañakuna kachakurqan: waqaychasqam qhipakun, chay kampañakuna pikunaman chayasqanta willanankupaq.
# review: pending
dash-refused-list-not-found = Chay listaqa manam kanchu.
# review: pending
dash-refused-unconfirmed = Pichanaykipaq casillata marcay.

## Ruwasqakunapa qillqan

# review: pending
dash-nav-audit = Ruwasqakunapa qillqan
# review: pending
dash-audit-title = Ruwasqakunapa qillqan
# review: pending
dash-audit-intro = Pitaq imata hayk'aq ruwarqan. Kay qillqaqa yupaykunallatam waqaychan, manam tikrakunmanchu nitaq pichakunmanchu; manam hayk'aqpas suscrito runapa correonta nitaq sutinta waqaychanchu.
# review: pending
dash-audit-action = Ruway
# review: pending
dash-audit-who = Pi
# review: pending
dash-audit-since = Kay p'unchawmanta
# review: pending
dash-audit-until = Kay p'unchawkama
# review: pending
dash-audit-filter = Akllay
# review: pending
dash-audit-events = Ruwasqakuna
# review: pending
dash-audit-none = Manam imapas kay akllasqakunawan tupanchu.
# review: pending
dash-audit-when = Hayk'aq
# review: pending
dash-audit-subject = Imamanta
# review: pending
dash-audit-detail = Aswan willakuy
# review: pending
dash-audit-older = Ñawpaq ruwasqakuna
# review: pending
dash-audit-actor-cli = servidorpa línea de comandos nisqan
# review: pending
dash-audit-actor-visitor = mana sesionniyuq runa
# review: pending
dash-audit-actor-token = token { $id }
# review: pending
dash-audit-kind-subscriber = runa
# review: pending
dash-audit-kind-list = lista
# review: pending
dash-audit-kind-campaign = kampaña
# review: pending
dash-audit-kind-staff = llamk'aq
# review: pending
dash-audit-kind-token = token
# review: pending
dash-refused-invalid-action = Chay ruwayqa manam qillqapi kanchu.
# review: pending
dash-refused-unknown-staff = Manam chay sutiyuq llamk'aq kanchu.
# review: pending
dash-audit-session-login = Panelman yaykurqan
# review: pending
dash-audit-session-login-refused = Yaykuyqa mana chaskisqa
# review: pending
dash-audit-session-logout = Sesionta wichqarqan
# review: pending
dash-audit-subscribers-import = Runakunata importarqan
# review: pending
dash-audit-subscriber-create = Huk runata yaparqan
# review: pending
dash-audit-subscriber-update = Huk runapa siminta utaq suyunta tikrarqan
# review: pending
dash-audit-subscriber-confirm = Huk runapa arinakuyninta qillqarqan
# review: pending
dash-audit-subscriber-unsubscribe = Huk runata lluqsichirqan
# review: pending
dash-audit-subscriber-erase = Huk runata picharqan
# review: pending
dash-audit-list-create = Huk listata ruwarqan
# review: pending
dash-audit-list-rename = Huk listapa sutinta tikrarqan
# review: pending
dash-audit-list-delete = Huk listata picharqan
# review: pending
dash-audit-campaign-create = Huk kampañata ruwarqan
# review: pending
dash-audit-campaign-schedule = Huk kampañata p'unchawcharqan
# review: pending
dash-audit-campaign-pause = Huk kampañata sayachirqan
# review: pending
dash-audit-campaign-resume = Huk kampañata hukmanta qallarirqan
# review: pending
dash-audit-campaign-cancel = Huk kampañata saqirqan
# review: pending
dash-audit-campaign-retry = Huk kampañapa mana chayasqa willakuyninkunata hukmanta kacharqan
# review: pending
dash-audit-staff-add = Huk llamk'aqta yaparqan
# review: pending
dash-audit-staff-remove = Huk llamk'aqta qichurqan
# review: pending
dash-audit-staff-set-role = Huk llamk'aqpa rolninta tikrarqan
# review: pending
dash-audit-staff-password-link = Pakasqa simi akllanapaq enlaceta qurqan
# review: pending
dash-audit-staff-password-set = Pakasqa siminta akllarqan
# review: pending
dash-audit-token-create = Huk API tokenta ruwarqan
# review: pending
dash-audit-token-revoke = Huk API tokenta chinkachirqan

# review: pending
dash-import-title = Runakunata importay
# review: pending
dash-import-upload = Huk archivota churay
# review: pending
dash-import-explain = Huk CSV archivo (Windowspi Excel waqaychasqanpas) utaq huk Excel libro (.xlsx). Ñawpaq fila columnakunata sutichan: email (necesario), name, language, region. Pantayniyuq filaqa manam importakunchu, yupayninmi rikuchikun; hukkunaqa importakunmi.
# review: pending
dash-import-file = Archivo
# review: pending
dash-import-button = Importay
# review: pending
dash-import-consent = Archivopi kaqkunaqa takyachisqam kanqaku: willakuykunata chaskinankupaq arinakurqanku chayllam churay.
# review: pending
dash-import-no-lists = Ñawpaqta huk listata ruray.
# review: pending
dash-import-report = Importaypa lluqsiynin
# review: pending
dash-import-summary = { $created } musuq runakuna, { $updated } musuqyachisqa, { $rejected } fila mana importasqa.
# review: pending
dash-import-rejected = Mana importasqa filakuna
# review: pending
dash-import-warnings = Willakuywan importasqa filakuna
# review: pending
dash-import-line = Fila
# review: pending
dash-import-why = Imarayku
# review: pending
dash-import-english = Imaraykukunaqa kunanqa inglés simipim rikuchikun.
# review: pending
dash-refused-empty-upload = Importanaykipaq huk archivota akllay.
# review: pending
dash-refused-unreadable-upload = Kachasqa archivoqa manam ñawinchakuyta atikurqanchu.

# review: pending
dash-lists-export = Exportay
# review: pending
dash-lists-export-csv = CSV
# review: pending
dash-lists-export-note = Exportaspaqa listapa correonkunata, sutinkunatapas uraykachinki: ruwasqakunapa qillqanpim qillqakun. Archivotaqa allin waqaychasqa churay, manaña munaspaqa pichay.
# review: pending
dash-audit-subscribers-export = Huk listapa runankunata exportarqan

# review: pending
dash-nav-messages = Willakuykuna
# review: pending
dash-messages-title = Willakuykuna
# review: pending
dash-messages-intro = Catalogopa sapa willakuynin, sapa runa chaskinanta hina, sapa simipi. Huk tikrasqa pisiptinqa, rikuchikunmi, rantinpi kachakunanpas.
