//! English cases: news prose with titles, initials, acronyms and numbers.

use super::{run_cases, Case};
use crate::lang::Lang;

pub(super) const CASES: &[Case] = &[
    (
        "Mr. Smith went to Washington. He arrived on Monday.",
        &["Mr. Smith went to Washington.", "He arrived on Monday."],
    ),
    (
        "Dr. A. B. Smith met Prof. Jones at 5 p.m. The meeting lasted an hour.",
        &["Dr. A. B. Smith met Prof. Jones at 5 p.m.", "The meeting lasted an hour."],
    ),
    ("J.R.R. Tolkien wrote The Hobbit.", &["J.R.R. Tolkien wrote The Hobbit."]),
    (
        "The U.S. Army arrived. Then the U.K. government agreed.",
        &["The U.S. Army arrived.", "Then the U.K. government agreed."],
    ),
    (
        "He moved to the U.S. The move was hard. She lives in the U.S.A. and works in Canada.",
        &["He moved to the U.S.", "The move was hard.", "She lives in the U.S.A. and works in Canada."],
    ),
    (
        "Apples, pears, etc. are sold here. We bought apples, pears, etc. The shop was busy.",
        &["Apples, pears, etc. are sold here.", "We bought apples, pears, etc.", "The shop was busy."],
    ),
    ("See e.g. the report on p. 12.", &["See e.g. the report on p. 12."]),
    (
        "Resolution No. 5 was adopted. No. It was rejected.",
        &["Resolution No. 5 was adopted.", "No.", "It was rejected."],
    ),
    (
        "The rate rose to 3.5 percent. Version 1.2.3 was released on 15.03.2026.",
        &["The rate rose to 3.5 percent.", "Version 1.2.3 was released on 15.03.2026."],
    ),
    (
        "Visit example.com for details. Download report.pdf today.",
        &["Visit example.com for details.", "Download report.pdf today."],
    ),
    (
        "\"Are you coming?\" he asked. \"Yes!\" she said.",
        &["\"Are you coming?\" he asked.", "\"Yes!\" she said."],
    ),
    (
        "He said \"no.\" Then he left. The vote was close (51 to 49). The bill passed.",
        &["He said \"no.\"", "Then he left.", "The vote was close (51 to 49).", "The bill passed."],
    ),
    (
        "Wait... what happened? Nobody knows... Everyone left.",
        &["Wait... what happened?", "Nobody knows...", "Everyone left."],
    ),
    (
        "Apple Inc. CEO Tim Cook spoke. He works for Apple Inc. The company is large.",
        &["Apple Inc. CEO Tim Cook spoke.", "He works for Apple Inc.", "The company is large."],
    ),
    (
        "It opened on Jan. 5 and closed on 1 Feb. Nobody came.",
        &["It opened on Jan. 5 and closed on 1 Feb.", "Nobody came."],
    ),
    (
        "The meeting is at 10 a.m. on Monday. St. Louis is in Missouri.",
        &["The meeting is at 10 a.m. on Monday.", "St. Louis is in Missouri."],
    ),
    (
        "In 300 B.C. the city was founded. It was rebuilt in 100 B.C. The city grew.",
        &["In 300 B.C. the city was founded.", "It was rebuilt in 100 B.C.", "The city grew."],
    ),
    ("Roe v. Wade was decided in 1973.", &["Roe v. Wade was decided in 1973."]),
    (
        "The agenda:\n1. Opening remarks\n2. Adoption of the agenda\n3. Other business",
        &["The agenda:", "1. Opening remarks", "2. Adoption of the agenda", "3. Other business"],
    ),
    (
        "Kazakhstan presented its draft\nConstitution in Brussels.",
        &["Kazakhstan presented its draft\nConstitution in Brussels."],
    ),
    (
        "So did I. Then we left. The price was $5. It was cheap.",
        &["So did I.", "Then we left.", "The price was $5.", "It was cheap."],
    ),
    (
        "See Fig. 3 and Table 4. The data are new.",
        &["See Fig. 3 and Table 4.", "The data are new."],
    ),
    (
        "Born in the non-U.S. Arctic, he moved south.",
        &["Born in the non-U.S. Arctic, he moved south."],
    ),
    (
        "The chapter ends here.The next one starts.",
        &["The chapter ends here.", "The next one starts."],
    ),
    (
        "Ambassador Roman Vasilenko opened the event. R. Vasilenko said the referendum will be held on 15 March.",
        &[
            "Ambassador Roman Vasilenko opened the event.",
            "R. Vasilenko said the referendum will be held on 15 March.",
        ],
    ),
    (
        "The platform is called \"Shanyraq Dialogues\". It was launched in Brussels.",
        &["The platform is called \"Shanyraq Dialogues\".", "It was launched in Brussels."],
    ),
    // Attribution after a quotation: the speaker and a verb of saying.
    (
        "\"Are you ready?\" CNN reported. \"We won!\" Coach Mike Smith said after the game.",
        &["\"Are you ready?\" CNN reported.", "\"We won!\" Coach Mike Smith said after the game."],
    ),
    (
        "\"We won!\" The crowd cheered.",
        &["\"We won!\"", "The crowd cheered."],
    ),
    // After a full stop the quotation is over: an attribution would follow
    // a comma.
    (
        "\"Today, there's neither.\" He said the bars were gone. 'They keep promises.' Mr Farage said so.",
        &[
            "\"Today, there's neither.\"",
            "He said the bars were gone.",
            "'They keep promises.'",
            "Mr Farage said so.",
        ],
    ),
    // A bracket closed after an abbreviation ends its phrase.
    (
        "It cost $1.5 bn. (approx.) The rest was paid later.",
        &["It cost $1.5 bn. (approx.)", "The rest was paid later."],
    ),
    (
        "1. First\n2. Second point. It has two sentences.\n3) Third",
        &["1. First", "2. Second point.", "It has two sentences.", "3) Third"],
    ),
];

#[test]
fn cases() {
    run_cases(Lang::En, CASES);
}
