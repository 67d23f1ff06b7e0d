### review: pending — awaiting native-speaker review (Quechua). Machine-assisted draft; do not send without review.
### willay nisqapa willakuyninkuna (runasimi, Chanka/Qusqu).
###
### Campaign messages (Southern Quechua). Each message is the body of a
### plain-text email: paragraphs are separated by one blank line.
### Do not use HTML or Markdown.
### Variables the program always passes to every message:
###   $name (text): the person's name; may be empty.
###   $has-name (text): "yes" if there is a name, "no" if there is none.
### Attributes:
###   .subject: email subject line (under 70 characters).
###   .preheader: preview text (under 110 characters).
### Proper names and law numbers stay as in Spanish (REVIESFO, Ley 30364,
### SNEJ, Ley 27942, SUNAFIL); Quechua case suffixes follow "nisqa".

## Campaign: forced sterilisations
## Justice and reparation for women sterilised without their consent in the 1990s.

# Email about the right to justice and reparation for victims of forced
# sterilisation: REVIESFO (created 2015) and more than 2,000 women who have
# reported their cases. "{ -women-count(count: 2000) }manta aswan" = "more
# than 2,000 women" (ablative suffix attached to the term).
# review: pending
sterilisation-justice =
    { $has-name ->
        [yes] Allillanchu, { $name }:
       *[no] Allillanchu:
    }

    1990 watakunapi Perú suyupi waranqa-waranqa warmikunata mana munachkaptinku, mana allinta willaspa operarqanku, manaña wawayuq kanankupaq. Astawanqa runasimi rimaq, ayllukunapi tiyaq warmikunatam chayta ruwarqanku. Sichus chayta qanta icha aylluykimanta huk warmita ruwarqanku chayqa, yachay kayta: manam qampa huchaykichu. Estadoqa chay ruwasqata riqsinanmi, hinallataq chay dañota allichananmi.

    2015 watapim Registro de Víctimas de Esterilizaciones Forzadas (REVIESFO) nisqa rurakurqa. Chaypi qillqachikunaykipaqqa manam imatapas pagankichu. Qillqasqa kaspaqa abogadop yanapayninta, psicólogop yanapayninta, hampikuytapas mañakuyta atinki.

    Kunankama { -women-count(count: 2000) }manta aswanmi justiciata mask'aspa denunciarqanku. Qampas derechoykim kan qillqachikunaykipaq, allichaytapas mañakunaykipaq, qampa pachaykipi, qampa kunkaykiwan.

    { -org-name } nisqapiqa kay ñanpi qanwan kuska purisunchik. Manam sapallaykichu kanki.
    .subject = Esterilizaciones forzadas: justiciapaq, allichaypaq derechoyki
    .preheader = REVIESFO nisqapi qillqachikuyqa mana pagaymi. Waranqa-waranqa warmikunam justiciata mask'achkanku.

## Campaign: survivors' rights
## Rights of survivors of sexual violence and where to get help.

# Email about the rights of survivors of sexual violence: Ley 30364 (2015),
# the SNEJ (2018), Línea 100 of the MIMP and the CEM. Core message: it is
# not your fault and free help is available.
# review: pending
survivor-rights =
    { $has-name ->
        [yes] Allillanchu, { $name }:
       *[no] Allillanchu:
    }

    Sichus violencia sexualta muchurqanki icha kunan muchuchkanki chayqa, yachay kayta: manam qampa huchaykichu, manataq sapallaykichu kanki. Sunqaykipi imachus kachkan chayqa chaniyuqmi, yanapay mañakuyqa derechoykim.

    2015 watamantapacham Ley 30364 nisqa kamachikuy kachkan, warmikunaman, aylluman ima violenciata harkanapaq, castiganapaq, chinkachinapaqpas. Kay kamachikuyqa violencia sexualtapas huk violencia hina riqsin. Kay kamachikuyman hinam medidas de protección nisqata mañakuyta atinki.

    2018 watapim Sistema Nacional Especializado de Justicia (SNEJ) nisqa rurakurqa, kay hina casokunapi yachaysapa juezkuna, fiscalkuna, policíakuna ima qhawanankupaq.

    Piwanpas rimayta munaspaqa, { -mimp } nisqapa { -helpline } nisqanman waqyay: manam imatapas pagankichu, p'unchawpas tutapas 24 horas kichasqam. { -cem } nisqakunapipas mana imatapas pagaspa yanapasunkiku abogadowan, psicólogowan, asistenta socialwan ima; denunciayta munaspaqa qanwan kuska rinkuman.

    Qammi akllanki hayk'ap, imaynatapas sapa thatkiyta ruwanaykita. { -org-name } nisqapiqa qanwanmi kachkaniku.
    .subject = Manam qampa huchaykichu: derechoykikuna, maypi yanapay kan
    .preheader = { -helpline } nisqaqa mana pagaymi, 24 horas kichasqa. CEM nisqakunapi abogado, psicólogo yanapasunkiku.

## Campaign: agro-export workers
## Rights of women workers in the agro-export sector (for example in Ica)
## regarding sexual harassment.

# Email for women working in the fields, packing plants and agro-export
# companies: the right to work free from sexual harassment (Ley 27942, 2003),
# the employer's duty to prevent it and to have a complaints procedure, and
# where to report or get help (SUNAFIL, Línea 100, CEM).
# review: pending
agro-workers-rights =
    { $has-name ->
        [yes] Allillanchu, { $name }:
       *[no] Allillanchu:
    }

    Chakrapi, empacadora nisqapi icha huk agroexportadora empresapi llamk'aspaqa, Ica suyupi icha maypipas, derechoykim kan hostigamiento sexual mana kaq llamk'anapi llamk'anaykipaq. Mana munasqayki sexual rimaykuna, llamiykuna, mañakuykunapas manam llamk'aypa partenchu. Manataq pipas chaykunata mañasunkimanchu llamk'ayta qusunaykipaq icha mana qichusunaykipaq.

    Ley 27942 nisqa kamachikuyqa (Ley de Prevención y Sanción del Hostigamiento Sexual) 2003 watamantapacham kay derechota amachan. Llamk'achiqniykiqa hostigamiento sexualta harkananmi, hinallataq quejakunata chaskinanpaq, allinta taripananpaq huk procedimientoyuq kananmi.

    Quejaykita llamk'anaykipi churayta atinki, SUNAFIL nisqamanpas (Superintendencia Nacional de Fiscalización Laboral). Yanapayta munaspaqa, { -helpline } nisqaman waqyay mana imatapas pagaspa, icha huk { -cem } nisqaman riy.

    Manam qampa huchaykichu, manataq sapallayki chayta atipanaykichu. { -org-name } nisqapiqa qanta uyariykikum.
    .subject = Hostigamiento sexual mana kaq llamk'ayqa derechoykim
    .preheader = Chakrapi, empacadorakunapipas, llamk'achiqniykiqa hostigamiento sexualta harkananmi.
