//! The edits file of `rolo plan`, read one row at a time (never whole): CSV with a `reference`
//! column and one column per field, or JSON Lines `{"reference", "set": {…}, "clear": […]}`.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

/// The CSV cell that clears a field (an empty cell leaves it alone).
pub const CLEAR_MARKER: &str = "<clear>";

/// One row of edits: which contact, which fields to set, which to clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRow {
    /// 1-based, in file order (the CSV header is not a row).
    pub row: u64,
    pub reference: String,
    pub set: Vec<(String, String)>,
    pub clear: Vec<String>,
}

/// A row the file cannot give: the row is invalid (the others go on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {message}")]
pub struct RowError {
    pub row: u64,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: the CSV header must start with `reference`, then field names as `rolo vendors VENDOR` lists them"
    )]
    Header { path: PathBuf },
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
}

/// The rows of an edits file, in order, as an iterator that reads as it goes.
pub type Rows = Box<dyn Iterator<Item = Result<EditRow, RowError>> + Send>;

/// Opens an edits file: `.csv` is CSV; anything else whose first character is `{` is JSON Lines.
pub fn open(path: &Path) -> Result<(Rows, Vec<String>), InputError> {
    let open_err = |source| InputError::Open {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(open_err)?;
    let mut reader = BufReader::new(file);
    let first = reader
        .fill_buf()
        .map_err(open_err)?
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        || first != Some(b'{');
    if is_csv {
        csv_rows(path, reader)
    } else {
        Ok((Box::new(jsonl_rows(reader)), Vec::new()))
    }
}

fn csv_rows(path: &Path, reader: BufReader<File>) -> Result<(Rows, Vec<String>), InputError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| InputError::Csv {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.first().map(String::as_str) != Some("reference") {
        return Err(InputError::Header {
            path: path.to_path_buf(),
        });
    }
    let fields = header[1..].to_vec();
    let names = fields.clone();
    let rows = csv.into_records().enumerate().map(move |(i, record)| {
        let row = i as u64 + 1;
        let record = record.map_err(|e| RowError {
            row,
            message: e.to_string(),
        })?;
        let mut edit = EditRow {
            row,
            reference: record.get(0).unwrap_or_default().trim().to_string(),
            set: Vec::new(),
            clear: Vec::new(),
        };
        for (name, cell) in fields.iter().zip(record.iter().skip(1)) {
            match cell {
                "" => {}
                CLEAR_MARKER => edit.clear.push(name.clone()),
                value => edit.set.push((name.clone(), value.to_string())),
            }
        }
        Ok(edit)
    });
    Ok((Box::new(rows), names))
}

fn jsonl_rows(
    reader: impl BufRead + Send + 'static,
) -> impl Iterator<Item = Result<EditRow, RowError>> + Send {
    reader
        .split(b'\n')
        .enumerate()
        .map(|(i, line)| (i as u64 + 1, line))
        .filter(|(_, line)| {
            line.as_ref()
                .map_or(true, |l| !l.iter().all(u8::is_ascii_whitespace))
        })
        .map(|(row, line)| {
            let fail = |message: String| RowError { row, message };
            let line = line.map_err(|e| fail(e.to_string()))?;
            let json: Json =
                serde_json::from_slice(&line).map_err(|e| fail(format!("not JSON: {e}")))?;
            parse_json_row(row, &json).map_err(fail)
        })
}

fn parse_json_row(row: u64, json: &Json) -> Result<EditRow, String> {
    let reference = match json.get("reference") {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => return Err("needs \"reference\": the contact's reference".into()),
    };
    let mut edit = EditRow {
        row,
        reference,
        set: Vec::new(),
        clear: Vec::new(),
    };
    match json.get("set") {
        None | Some(Json::Null) => {}
        Some(Json::Object(map)) => {
            for (name, value) in map {
                match value {
                    Json::Null => edit.clear.push(name.clone()),
                    Json::String(s) => edit.set.push((name.clone(), s.clone())),
                    Json::Bool(_) | Json::Number(_) => {
                        edit.set.push((name.clone(), value.to_string()))
                    }
                    _ => {
                        return Err(format!(
                            "set.{name}: give text, a number, a boolean or null"
                        ));
                    }
                }
            }
        }
        Some(_) => return Err("\"set\" must be an object {\"field\": value}".into()),
    }
    match json.get("clear") {
        None | Some(Json::Null) => {}
        Some(Json::Array(names)) => {
            for name in names {
                let Some(name) = name.as_str() else {
                    return Err("\"clear\" must list field names".into());
                };
                edit.clear.push(name.to_string());
            }
        }
        Some(_) => return Err("\"clear\" must be an array of field names".into()),
    }
    if let Some(both) = edit
        .clear
        .iter()
        .find(|c| edit.set.iter().any(|(n, _)| n == *c))
    {
        return Err(format!("{both} is both set and cleared"));
    }
    Ok(edit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(name: &str, text: &str) -> (Vec<Result<EditRow, RowError>>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let (rows, fields) = open(&path).unwrap();
        (rows.collect(), fields)
    }

    #[test]
    fn csv_empty_leaves_alone_and_the_marker_clears() {
        let (rows, fields) = rows(
            "e.csv",
            "reference,email,fax\n1001/5001,a@example.com,\n1001/5002,,<clear>\n",
        );
        assert_eq!(fields, vec!["email", "fax"]);
        let first = rows[0].clone().unwrap();
        assert_eq!(first.set, vec![("email".into(), "a@example.com".into())]);
        assert!(first.clear.is_empty());
        let second = rows[1].clone().unwrap();
        assert_eq!((second.row, second.clear), (2, vec!["fax".to_string()]));
        assert!(second.set.is_empty());
    }

    #[test]
    fn json_lines_set_clear_and_bad_rows() {
        let (rows, _) = rows(
            "e.jsonl",
            "{\"reference\":\"x\",\"set\":{\"a\":\"1\",\"b\":2,\"c\":null},\"clear\":[\"d\"]}\n\nnot json\n{\"set\":{}}\n",
        );
        let first = rows[0].clone().unwrap();
        assert_eq!(
            first.set,
            vec![("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert_eq!(first.clear, vec!["c".to_string(), "d".to_string()]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].clone().unwrap_err().row, 3);
        assert!(rows[2].clone().unwrap_err().message.contains("reference"));
    }

    #[test]
    fn a_csv_without_reference_first_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        std::fs::write(&path, "email,reference\n").unwrap();
        assert!(matches!(open(&path), Err(InputError::Header { .. })));
    }
}
