//! Kazakh abbreviations and sentence starters.
//!
//! Sources: the abbreviations of Kazakh government and news prose (dates,
//! addresses, money, enumerations). Kazakh puts the unit after the number
//! (`2026 ж.`, `XX ғ.`, `Алматы қ.`), so "after a number" matters more than
//! in English.
//!
//! Latin-script names in Kazakh text (`St. Louis`, `Roe v. Wade`) use the
//! English table as a fallback.
//!
//! Deliberately absent: `үй` (house) is a full word, written without a dot
//! in addresses (`5 үй`), and `үй.` ends sentences; `орыс` (Russian) likewise.

use super::abbrev::Abbrev::{self, BeforeNumber, BeforeStarter, Dated, Prefix, Suffix};
use super::abbrev::LangData;

pub(crate) static DATA: LangData = LangData {
    abbrevs: &[ABBREVS, super::en::ABBREVS],
    starters: STARTERS,
    speech_verbs: &[],
    ordinal_dot: false,
};

const ABBREVS: &[(&str, Abbrev)] = &[
    // Dates: `2026 ж.` (жыл, year), `2025–2026 жж.`, `XXI ғ.` (ғасыр,
    // century). After a number they may end the sentence (`... 1991 ж.
    // Кейін ...`); elsewhere they are not a unit at all.
    ("ж", Dated),
    ("жж", Dated),
    ("ғ", Dated),
    ("ғғ", Dated),
    ("сағ", Dated), // сағат, hour: `сағ. 10:00`, `10 сағ.`
    ("мин", Suffix),
    // Eras: `б.з.б. 500 ж.` (before our era), `б.з. II ғ.`.
    ("б.з.б", Suffix),
    ("б.з.д", Suffix),
    ("б.з", Suffix),
    ("б.д.д", Suffix), // біздің дәуірімізге дейін: `б.д.д. 356 жылы`
    ("б.д", Suffix),
    // "and so on": close an enumeration, often the sentence.
    ("т.б", Suffix),
    ("т.с.с", Suffix),
    ("т.т", Suffix),
    ("ж.т.б", Suffix),
    ("ж.б", Suffix),
    // Numbers and money: `5 млн.`, `10 млрд. теңге`. Often followed by
    // `АҚШ доллары` (US dollars), so they end a sentence only before a
    // common sentence start.
    ("мың", BeforeStarter),
    ("млн", BeforeStarter),
    ("млрд", BeforeStarter),
    ("трлн", BeforeStarter),
    ("тг", Suffix),
    ("тең", Suffix),
    ("долл", BeforeStarter), // `5 млн долл. АҚШ`: a country code follows
    // Administrative units come after the name and may close an address
    // at the end of a sentence: `Алматы обл.`, `Қарасай ауд.`
    ("обл", Suffix),
    ("ауд", Suffix),
    // Addresses: `Астана қ., Мәңгілік Ел даңғ., 8 үй`, `Абай көш.`; a city
    // abbreviation followed by a capital is a street name, not a new sentence.
    ("қ", Prefix),
    ("көш", BeforeStarter), // also a word: көш, caravan
    ("даңғ", Prefix),
    ("ш.а", Prefix),
    // ауыл, village (`Қаскелең а.`); initials are uppercase (`А.`).
    ("а", Prefix),
    // "for example" and references: followed by the example.
    ("мыс", BeforeStarter), // also a word: мыс, copper
    ("қар", BeforeStarter), // also a word: қар, snow
    ("салыс", Prefix),
    ("бет", BeforeNumber),
    ("б", Dated),          // бет, page: `б. 15`, `256 б.`
    ("тар", BeforeNumber), // тармақ, item
    ("тарм", BeforeNumber),
    ("бөл", BeforeNumber), // бөлім, section
    ("қос", BeforeNumber), // қосымша, appendix
    ("бап", BeforeNumber),
    // Titles and roles before a name.
    ("проф", Prefix),
    ("акад", Prefix),
    ("доц", Prefix),
    ("ред", Prefix),
    ("құраст", Prefix),
    // Languages: `ағылш. shanyraq`.
    ("ағылш", Prefix),
    ("қаз", BeforeStarter), // also a word: қаз, goose
    ("лат", Prefix),
    ("испан", BeforeStarter), // also a word: Spanish
    ("нем", Prefix),
    ("фр", Prefix),
    // Academic degrees follow a name and a comma or close a sentence.
    ("т.ғ.д", Suffix),
    ("т.ғ.к", Suffix),
    ("э.ғ.д", Suffix),
    ("э.ғ.к", Suffix),
    ("ф.ғ.д", Suffix),
    ("ф.ғ.к", Suffix),
    ("з.ғ.д", Suffix),
    ("з.ғ.к", Suffix),
];

/// Capitalised words that usually begin a Kazakh sentence: pronouns,
/// demonstratives, conjunctions and sentence adverbs.
const STARTERS: &[&str] = &[
    "Ол",
    "Олар",
    "Оның",
    "Олардың",
    "Оған",
    "Одан",
    "Онда",
    "Оны",
    "Біз",
    "Біздің",
    "Бізде",
    "Бізге",
    "Мен",
    "Менің",
    "Маған",
    "Сен",
    "Сіз",
    "Сіздің",
    "Сіздер",
    "Бұл",
    "Бұған",
    "Бұның",
    "Бұдан",
    "Мұның",
    "Мұнда",
    "Мұндай",
    "Осы",
    "Осыған",
    "Осылайша",
    "Осындай",
    "Сол",
    "Соның",
    "Сонда",
    "Содан",
    "Сондай",
    "Сондықтан",
    "Сонымен",
    "Сосын",
    "Алайда",
    "Бірақ",
    "Және",
    "Ал",
    "Әрі",
    "Кейін",
    "Кейіннен",
    "Енді",
    "Бүгін",
    "Кеше",
    "Ертең",
    "Қазір",
    "Қазіргі",
    "Себебі",
    "Өйткені",
    "Егер",
    "Иә",
    "Ия",
    "Жоқ",
    "Жалпы",
    "Дегенмен",
    "Мысалы",
    "Атап",
    "Әсіресе",
    "Нәтижесінде",
    "Тағы",
    "Барлық",
    "Көптеген",
    "Кейбір",
    "Әр",
    "Әрбір",
    "Бір",
    "Екі",
    "Үш",
    "Не",
    "Неге",
    "Неліктен",
    "Қалай",
    "Қашан",
    "Қайда",
    "Кім",
    "Қандай",
    "Біріншіден",
    "Екіншіден",
    "Үшіншіден",
    "Айта",
    "Сонан",
    "Тіпті",
    "Яғни",
    "Әйтсе",
    "Ендеше",
    "Бұрын",
    "Биыл",
    "Былтыр",
    "Қорытындылай",
    "Мәселен",
    "Ақырында",
];
