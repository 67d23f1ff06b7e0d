### review: done
### willay campaign messages (English).
###
### Each message is the body of a plain-text email: paragraphs are separated
### by one blank line. Do not use HTML or Markdown.
### Variables the program always passes to every message:
###   $name (text): the person's name; may be empty.
###   $has-name (text): "yes" if there is a name, "no" if there is none.
### Attributes:
###   .subject: email subject line (under 70 characters).
###   .preheader: preview text (under 110 characters).

## Campaign: forced sterilisations
## Justice and reparation for women sterilised without their consent in the 1990s.

# Email about the right to justice and reparation for victims of forced
# sterilisation. Mentions the Registry of Victims of Forced Sterilisations
# (REVIESFO), created in 2015, and that more than 2,000 women have reported
# their cases to the justice system. Warm tone, no blame.
sterilisation-justice =
    { $has-name ->
        [yes] Hello, { $name },
       *[no] Hello,
    }

    In the 1990s, thousands of women in Peru, most of them Quechua-speaking women from rural communities, were sterilised without their free and informed consent. If this happened to you or to someone in your family, we want you to know that it was not your fault. The State has a duty to acknowledge what happened and to repair the harm.

    In 2015, the Registry of Victims of Forced Sterilisations (REVIESFO) was created. Registering is free, and it allows you to ask for legal assistance, psychological support and health care.

    More than { -women-count(count: 2000) } have already reported their cases to the justice system. You too have the right to register and to seek reparation, at your own pace and in your own voice.

    At { -org-name } we can walk this path with you. You are not alone.
    .subject = Forced sterilisations: your right to justice and reparation
    .preheader = Registering with REVIESFO is free. You are not alone: thousands of women are still seeking justice.

## Campaign: survivors' rights
## Rights of survivors of sexual violence and where to get help.

# Email about the rights of survivors of sexual violence: Law 30364 (2015),
# the National Specialised Justice System (SNEJ, 2018), the MIMP's Línea 100
# helpline and the Women's Emergency Centres. Core message: it is not your
# fault and free help is available.
survivor-rights =
    { $has-name ->
        [yes] Hello, { $name },
       *[no] Hello,
    }

    If you have lived through sexual violence, or are living through it now, we want you to know this: it is not your fault, and you are not alone. What you feel is valid, and asking for help is your right.

    Since 2015, Law 30364, Peru's law to prevent, punish and eradicate violence against women and family members, has recognised sexual violence as a form of violence. Under this law you can ask for protection measures.

    In 2018, the National Specialised Justice System (SNEJ) was created so that specialised judges, prosecutors and police officers handle these cases.

    If you need to talk to someone, call { -helpline } of the { -mimp }: it is free and open 24 hours a day. The { -cem } offer free legal, psychological and social help, and can support you if you decide to report.

    You decide when and how to take each step. At { -org-name } we are with you.
    .subject = It is not your fault: your rights and where to get help
    .preheader = { -helpline } is free and open 24 hours. The CEM offer legal, psychological and social help.

## Campaign: agro-export workers
## Rights of women workers in the agro-export sector (for example in Ica)
## regarding sexual harassment.

# Email for women working in the fields, packing plants and agro-export
# companies: the right to work free from sexual harassment (Law 27942, 2003),
# the employer's duty to prevent it and to have a complaints procedure, and
# where to report or get help (SUNAFIL, Línea 100, CEM).
agro-workers-rights =
    { $has-name ->
        [yes] Hello, { $name },
       *[no] Hello,
    }

    If you work in the fields, in a packing plant or for another agro-export company, in Ica or in any other region, you have the right to work free from sexual harassment. Unwanted sexual comments, touching or advances are not part of the job, and neither is being offered work, or having it taken away, in exchange for them.

    Law 27942, Peru's law on the prevention and punishment of sexual harassment, has protected this right since 2003. Your employer must prevent sexual harassment and must have a procedure to receive and investigate complaints.

    You can make a complaint at your workplace and also to SUNAFIL, the national labour inspectorate. If you need advice or support, call { -helpline } free of charge or go to the { -cem }.

    It is not your fault, and you do not have to face this alone. At { -org-name } we are here to listen.
    .subject = Working free from sexual harassment is your right
    .preheader = In the fields and in packing plants, your employer must prevent sexual harassment.
