//! What the XML readers (TMX, Word) share.

use quick_xml::events::BytesRef;

/// The character an entity or character reference stands for: `&#1179;`,
/// `&#x49B;` or one of XML's five predefined entities. Any other entity
/// would need a DTD, which neither format declares.
pub(crate) fn reference(r: &BytesRef<'_>) -> Result<char, String> {
    if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(c);
    }
    let name = r.decode().map_err(|e| e.to_string())?;
    match name.as_ref() {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(format!("unknown entity &{other};")),
    }
}
