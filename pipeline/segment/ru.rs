//! Russian abbreviations and sentence starters.
//!
//! Russian typography writes many abbreviations with a (non-breaking) space:
//! `т. е.`, `т. д.`, `и т. п.`; the rules join such pieces before the lookup,
//! so the keys here have no spaces. Latin-script names in Russian text
//! (`St. Louis`, `Roe v. Wade`) use the English table as a fallback.

use super::abbrev::Abbrev::{self, BeforeNumber, BeforeStarter, Dated, Prefix, Suffix};
use super::abbrev::LangData;

pub(crate) static DATA: LangData = LangData {
    abbrevs: &[ABBREVS, super::en::ABBREVS],
    starters: STARTERS,
    speech_verbs: &[],
    ordinal_dot: false,
};

const ABBREVS: &[(&str, Abbrev)] = &[
    // `в 2026 г.` (год) may end a sentence; `г. Алматы` (город) never does.
    // The same letter, told apart by the number before it.
    ("г", Dated),
    ("гг", Dated),
    ("в", Dated),  // век: `в XIX в.`
    ("вв", Dated), // века
    ("р", Dated),  // рубль after a number, река before a name: `р. Урал`
    ("с", Dated),  // `200 с.` (pages) / `с. Петровка` (село), `с. 15`
    ("м", Dated),  // метр / `м. Арбатская` (метро)
    ("см", Dated), // сантиметр / смотри: `см. выше`
    ("т", Dated),  // тонна / том: `т. 2`
    ("ч", Dated),  // час / часть: `ч. 2 ст. 5`
    ("мин", Dated),
    ("сек", Suffix),
    // "that is", "because", "so-called", "including": always continue.
    ("т.е", Prefix),
    ("т.к", Prefix),
    ("т.н", Prefix),
    ("т.ч", Prefix),
    ("т.о", Prefix),
    ("и.о", Prefix),
    // "and so on", "and others": close an enumeration, often the sentence.
    ("т.д", Suffix),
    ("т.п", Suffix),
    ("др", Suffix),
    ("пр", BeforeStarter), // `и пр.` (прочее) ends, `пр. Абая` (проспект) not
    ("н.э", Suffix),
    // Numbers and money: `5 млн.`, `10 тыс. руб.`.
    ("тыс", Suffix),
    ("млн", Suffix),
    ("млрд", Suffix),
    ("трлн", Suffix),
    ("руб", Suffix),
    ("коп", Suffix),
    ("долл", BeforeStarter), // `5 млн долл. США`: a country code follows
    ("тг", Suffix),
    ("обл", Suffix),
    ("р-н", Suffix),
    ("прим", Suffix),
    // Addresses and places before a name: `ул. Абая, д. 5, кв. 3`.
    ("им", BeforeStarter), // also a word: им. Абая / доверять им. По
    ("ул", Prefix),
    ("д", Prefix),
    ("кв", Prefix),
    ("корп", Prefix),
    ("стр", BeforeNumber),
    ("прил", BeforeNumber), // приложение: `см. прил. 2`
    ("разд", BeforeNumber),
    ("абз", BeforeNumber),
    ("подп", BeforeNumber),
    ("кн", BeforeNumber),
    ("пл", Prefix),
    ("пер", Prefix),
    ("просп", Prefix),
    ("наб", Prefix),
    ("пос", Prefix),
    ("п", Prefix), // пункт / посёлок: `п. 3.1`, `п. Балхаш`
    ("пп", Prefix),
    ("ст", Prefix), // статья / станция: `ст. 15`
    ("оз", Prefix),
    ("о", Prefix), // остров: `о. Сахалин`
    // References: `гл. 5`, `рис. 3`, `напр. в Астане`.
    ("гл", Prefix),
    ("рис", BeforeStarter), // also a word: рис, rice
    ("табл", Prefix),
    ("илл", Prefix),
    ("вып", Prefix),
    ("изд", Prefix),
    ("ред", Prefix),
    ("сост", Prefix),
    ("напр", Prefix),
    ("ср", Prefix),
    ("ок", Prefix), // около
    ("букв", Prefix),
    ("ед.ч", Prefix), // grammatical number: `(ед.ч. — Kalaalleq)`
    ("мн.ч", Prefix),
    ("род", BeforeStarter), // also a word: род, kin
    // Titles and roles before a name.
    ("проф", Prefix),
    ("акад", Prefix),
    ("доц", Prefix),
    ("ген", BeforeStarter),  // also a word: ген, gene
    ("полк", BeforeStarter), // also a word: полк, regiment
    ("зам", Prefix),
    ("пред", Prefix),
    ("гр", Prefix),
    ("тов", Prefix),
    ("св", Prefix),
    // Languages: `англ. shanyraq`.
    ("англ", Prefix),
    ("рус", Prefix),
    ("каз", Prefix),
    ("лат", Prefix),
    ("нем", BeforeStarter), // also a word: о нём
    ("франц", Prefix),
    ("фр", Prefix),
];

/// Capitalised words that usually begin a Russian sentence: prepositions,
/// pronouns, conjunctions and sentence adverbs.
const STARTERS: &[&str] = &[
    "В",
    "Во",
    "На",
    "С",
    "Со",
    "К",
    "По",
    "О",
    "Об",
    "Из",
    "За",
    "До",
    "От",
    "Для",
    "При",
    "После",
    "Перед",
    "Через",
    "Он",
    "Она",
    "Оно",
    "Они",
    "Мы",
    "Я",
    "Вы",
    "Ты",
    "Его",
    "Её",
    "Ее",
    "Их",
    "Это",
    "Этот",
    "Эта",
    "Эти",
    "Тот",
    "Та",
    "Те",
    "То",
    "Так",
    "Такой",
    "Там",
    "Тут",
    "Здесь",
    "Тогда",
    "Теперь",
    "Сейчас",
    "Сегодня",
    "Вчера",
    "Завтра",
    "Но",
    "И",
    "А",
    "Или",
    "Однако",
    "Затем",
    "Потом",
    "Также",
    "Кроме",
    "Как",
    "Когда",
    "Если",
    "Хотя",
    "Поэтому",
    "Поскольку",
    "Впрочем",
    "Кстати",
    "Между",
    "Все",
    "Всё",
    "Весь",
    "Каждый",
    "Многие",
    "Некоторые",
    "Один",
    "Одна",
    "Два",
    "Что",
    "Кто",
    "Где",
    "Почему",
    "Зачем",
    "Какой",
    "Да",
    "Нет",
    "Не",
    "Ни",
    "Уже",
    "Ещё",
    "Еще",
    "Именно",
    "Например",
    "Вместе",
    "Таким",
    "Всего",
    "Позже",
    "Ранее",
    "Тем",
    "Согласно",
    "Несмотря",
    "Благодаря",
    "Итак",
    "Наконец",
    "Причём",
    "Причем",
    "Более",
    "Около",
    "Сначала",
    "Помимо",
    "Вот",
];
