//! How one agent's results are written: net-snmp's text (with its stderr messages, byte for byte
//! for a single agent), JSON lines or CSV rows; the `NAME: ` prefix of multi-agent runs; the
//! table layout of `snmptable`. Writes to any `io::Write`: stdout itself for a single agent,
//! buffers for many (printed in order when each is done).

use std::io::{self, Write};

use serde_json::{Map, Value as Json, json};

use crate::format::{OidStyle, TextOptions, varbind_json, write_varbind};
use crate::mib::{self, NameStyle};
use crate::oid::Oid;
use crate::pdu::{ErrorStatus, VarBind};
use crate::session::{SnmpError, TableRows};

use super::args::{Format, TableFlags, Tool};

/// The header line of `--format csv`.
pub const CSV_HEADER: &str = "agent,oid,name,type,value,hex\n";

/// Why an agent's work failed, as the tools report it.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The agent answered with an error-status.
    Agent {
        /// The error-status.
        status: ErrorStatus,
        /// The error-index (0: none).
        index: i32,
        /// The OID it points at.
        oid: Option<Oid>,
    },
    /// No answer to any try.
    Timeout,
    /// A walk met an OID that did not increase.
    NotIncreasing {
        /// The OID asked for.
        previous: Oid,
        /// The OID the agent gave.
        next: Oid,
    },
    /// Anything else (resolution, transport, an undecodable answer).
    Other(SnmpError),
}

impl Failure {
    /// True for a timeout (the summary counts those apart).
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Failure::Timeout)
    }

    /// A short stable label for JSON.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Failure::Agent { .. } => "agent_error",
            Failure::Timeout => "timeout",
            Failure::NotIncreasing { .. } => "not_increasing",
            Failure::Other(e) => e.label(),
        }
    }
}

impl From<SnmpError> for Failure {
    fn from(e: SnmpError) -> Self {
        match e {
            SnmpError::Timeout { .. } => Failure::Timeout,
            SnmpError::Agent { status, index, oid } => Failure::Agent { status, index, oid },
            SnmpError::TooBig => Failure::Agent {
                status: ErrorStatus::TooBig,
                index: 0,
                oid: None,
            },
            SnmpError::NotIncreasing { previous, next } => Failure::NotIncreasing {
                previous: *previous,
                next: *next,
            },
            other => Failure::Other(other),
        }
    }
}

/// An OID in the style of the text options (`.1.3.6…` or `SNMPv2-MIB::sysDescr.0`).
#[must_use]
pub fn oid_text(oid: &Oid, style: OidStyle) -> String {
    match style {
        OidStyle::Numeric => oid.to_dotted(),
        _ => {
            let mut s = String::new();
            mib::tree().write_oid(&mut s, oid.arcs(), style.name_style(), true);
            s
        }
    }
}

/// Writes one agent's results.
pub struct Printer<'a> {
    /// `--format`.
    pub format: Format,
    /// `-O` options.
    pub text: TextOptions,
    /// The tool, for its message spellings.
    pub tool: Tool,
    /// The agent's name (JSON, CSV, prefixes and one-line errors).
    pub agent: String,
    /// The agent as the user gave it (`Timeout: No Response from HOST`).
    pub peer: String,
    /// True when several agents run: text lines start with `NAME: ` and each error is one line.
    pub multi: bool,
    /// Results.
    pub out: &'a mut dyn Write,
    /// Errors.
    pub err: &'a mut dyn Write,
    /// Varbinds written so far.
    pub varbinds: usize,
}

impl Printer<'_> {
    /// One varbind.
    ///
    /// # Errors
    /// When writing fails.
    pub fn varbind(&mut self, vb: &VarBind<'_>) -> io::Result<()> {
        self.varbinds += 1;
        match self.format {
            Format::Text => {
                let mut line = String::new();
                write_varbind(&mut line, vb, &self.text);
                self.text_line(&line)
            }
            Format::Json => {
                let mut obj = varbind_json(vb);
                if let Json::Object(m) = &mut obj {
                    m.insert("agent".into(), Json::String(self.agent.clone()));
                }
                writeln!(self.out, "{obj}")
            }
            Format::Csv => {
                let j = varbind_json(vb);
                let field = |k: &str| j.get(k).map(json_field).unwrap_or_default();
                let row = [
                    self.agent.clone(),
                    field("oid"),
                    field("name"),
                    field("type"),
                    field("value"),
                    field("hex"),
                ];
                write_csv_row(self.out, &row)
            }
        }
    }

    /// A line of text output (the `NAME: ` prefix on each of its lines when several agents run).
    fn text_line(&mut self, text: &str) -> io::Result<()> {
        if self.multi {
            for l in text.split('\n') {
                writeln!(self.out, "{}: {l}", self.agent)?;
            }
            Ok(())
        } else {
            writeln!(self.out, "{text}")
        }
    }

    /// `End of MIB` (v1 walks); text only.
    ///
    /// # Errors
    /// When writing fails.
    pub fn end_of_mib(&mut self) -> io::Result<()> {
        if self.format == Format::Text {
            self.text_line("End of MIB")?;
        }
        Ok(())
    }

    /// `Variables found: N` (`-Cp`); text only.
    ///
    /// # Errors
    /// When writing fails.
    pub fn variables_found(&mut self, n: usize) -> io::Result<()> {
        if self.format == Format::Text {
            self.text_line(&format!("Variables found: {n}"))?;
        }
        Ok(())
    }

    /// A failure: net-snmp's own message on stderr for a single agent in text, else one line
    /// `NAME: message`; JSON output also gets `{"agent", "error", "message"}` on stdout.
    ///
    /// # Errors
    /// When writing fails.
    pub fn failure(&mut self, f: &Failure) -> io::Result<()> {
        self.out.flush()?;
        if self.format == Format::Json {
            let obj = json!({"agent": self.agent, "error": f.label(), "message": self.one_line(f)});
            writeln!(self.out, "{obj}")?;
        }
        if self.multi || self.format != Format::Text {
            let line = format!("{}: {}", self.agent, self.one_line(f));
            writeln!(self.err, "{line}")
        } else {
            let block = self.net_snmp_message(f);
            self.err.write_all(block.as_bytes())
        }
    }

    fn oid(&self, oid: &Oid) -> String {
        oid_text(oid, self.text.oid_style)
    }

    /// What the net-snmp tool prints on stderr, newlines and all.
    #[must_use]
    pub fn net_snmp_message(&self, f: &Failure) -> String {
        // snmpget and snmpgetnext end these with a period; the others do not.
        let (packet, timeout) = match self.tool {
            Tool::Get => ("Error in packet", "."),
            Tool::GetNext => ("Error in packet.", "."),
            _ => ("Error in packet.", ""),
        };
        match f {
            Failure::Agent { status, index, oid } => {
                let mut s = format!("{packet}\nReason: {}\n", status.description());
                if *index != 0 {
                    s.push_str("Failed object: ");
                    if let Some(o) = oid {
                        // fprint_objid ends the OID with a newline of its own.
                        s.push_str(&self.oid(o));
                        s.push('\n');
                    }
                    s.push('\n');
                }
                s
            }
            Failure::Timeout => format!("Timeout: No Response from {}{timeout}\n", self.peer),
            Failure::NotIncreasing { previous, next } => format!(
                "Error: OID not increasing: {}\n >= {}\n\n",
                self.oid(previous),
                self.oid(next)
            ),
            Failure::Other(e) => format!("snmpact {}: {e}\n", self.tool.name()),
        }
    }

    /// The failure in one line, without the agent's name.
    #[must_use]
    pub fn one_line(&self, f: &Failure) -> String {
        match f {
            Failure::Agent { status, index, oid } => {
                let mut s = format!("Error in packet: {}", status.description());
                if *index != 0 {
                    let o = oid.as_ref().map(|o| self.oid(o)).unwrap_or_default();
                    s.push_str(&format!(" (failed object: {o})"));
                }
                s
            }
            Failure::Timeout => format!("Timeout: No Response from {}", self.peer),
            Failure::NotIncreasing { previous, next } => format!(
                "Error: OID not increasing: {} >= {}",
                self.oid(previous),
                self.oid(next)
            ),
            Failure::Other(e) => e.to_string(),
        }
    }

    /// A table: `snmptable`'s layout in text, one object per row in JSON, one row per cell in
    /// CSV (the same columns as every other CSV).
    ///
    /// # Errors
    /// When writing fails.
    pub fn table(&mut self, table: &Oid, rows: &TableRows, flags: TableFlags) -> io::Result<()> {
        let entry = rows.entry.clone().unwrap_or_else(|| table.clone());
        match self.format {
            Format::Text => {
                let text = table_text(table, rows, flags, &self.text);
                self.varbinds += rows
                    .rows
                    .iter()
                    .map(|r| r.cells.iter().flatten().count())
                    .sum::<usize>();
                for l in text.lines() {
                    self.text_line(l)?;
                }
                Ok(())
            }
            Format::Json => {
                for row in &rows.rows {
                    let mut values = Map::new();
                    for (col, cell) in rows.columns.iter().zip(&row.cells) {
                        if let Some(v) = cell {
                            let oid = cell_oid(&entry, *col, &row.index);
                            let j = varbind_json(&VarBind::new(oid, v.clone()));
                            values.insert(
                                column_label(&entry, *col),
                                j.get("value").cloned().unwrap_or(Json::Null),
                            );
                            self.varbinds += 1;
                        }
                    }
                    let obj = json!({
                        "agent": self.agent,
                        "table": table.to_string(),
                        "index": dotted(&row.index),
                        "values": values,
                    });
                    writeln!(self.out, "{obj}")?;
                }
                Ok(())
            }
            Format::Csv => {
                for row in &rows.rows {
                    for (col, cell) in rows.columns.iter().zip(&row.cells) {
                        if let Some(v) = cell {
                            self.varbind(&VarBind::new(
                                cell_oid(&entry, *col, &row.index),
                                v.clone(),
                            ))?;
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// `entry.column.index` (the entry is always a valid OID, so the join only fails past 128 arcs,
/// where the entry itself is returned).
fn cell_oid(entry: &Oid, column: u32, index: &[u32]) -> Oid {
    let mut suffix = Vec::with_capacity(index.len() + 1);
    suffix.push(column);
    suffix.extend_from_slice(index);
    entry.join(&suffix).unwrap_or_else(|_| entry.clone())
}

fn dotted(arcs: &[u32]) -> String {
    arcs.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// A column's label: the last word of its name (`ifDescr`), or its number when the table is
/// not in the compiled-in MIB.
fn column_label(entry: &Oid, column: u32) -> String {
    let Ok(oid) = entry.join(&[column]) else {
        return column.to_string();
    };
    let tree = mib::tree();
    match tree.find_exact(oid.arcs()).and_then(|i| tree.node(i)) {
        Some(n) => n.name.to_string(),
        None => column.to_string(),
    }
}

/// `snmptable`'s text: `SNMP table: NAME`, a blank line, the headers, then the rows, every
/// column right-justified to its widest cell plus one space (`-Cl`: left), values in `-Oq` form
/// with newlines made spaces, `?` for a missing cell; `NAME: No entries` for an empty table.
#[must_use]
pub fn table_text(table: &Oid, rows: &TableRows, flags: TableFlags, text: &TextOptions) -> String {
    let style = text.oid_style;
    let name = oid_text(table, style);
    if rows.rows.is_empty() {
        return format!("{name}: No entries\n");
    }
    let entry = rows.entry.clone().unwrap_or_else(|| table.clone());
    let quick = TextOptions {
        quick: true,
        value_only: true,
        ..*text
    };
    let mut labels: Vec<String> = rows
        .columns
        .iter()
        .map(|&c| column_label(&entry, c))
        .collect();
    if flags.brief && labels.len() > 1 {
        let common = labels
            .windows(2)
            .map(|w| common_prefix(&w[0], &w[1]))
            .min()
            .unwrap_or(0);
        for l in &mut labels {
            *l = l[common..].to_owned();
        }
    }
    let cells: Vec<Vec<String>> = rows
        .rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .zip(&rows.columns)
                .map(|(c, &col)| match c {
                    Some(v) => crate::format::format_object_value(
                        &cell_oid(&entry, col, &r.index),
                        v,
                        &quick,
                    )
                    .replace('\n', " "),
                    None => "?".to_owned(),
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = labels.iter().map(|l| l.chars().count()).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let indexes: Vec<String> = rows
        .rows
        .iter()
        .map(|r| table_index(&entry, rows.columns.first().copied(), &r.index))
        .collect();
    let index_width = indexes
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        // snmptable starts from the width of "index " (apps/snmptable.c `index_width`).
        .max("index ".len());
    let pad = |s: &str, width: usize| -> String {
        let n = s.chars().count();
        let fill = " ".repeat(width.saturating_sub(n));
        if flags.left {
            format!("{s}{fill}")
        } else {
            format!("{fill}{s}")
        }
    };
    let mut out = String::new();
    if !flags.no_headers {
        out.push_str(&format!("SNMP table: {name}\n\n"));
        if flags.index {
            out.push_str(&pad("index", index_width));
        }
        for (l, w) in labels.iter().zip(&widths) {
            out.push_str(&pad(l, w + 1));
        }
        out.push('\n');
    }
    for (row, index) in cells.iter().zip(&indexes) {
        if flags.index {
            out.push_str(&pad(index, index_width));
        }
        for (c, w) in row.iter().zip(&widths) {
            out.push_str(&pad(c, w + 1));
        }
        out.push('\n');
    }
    out
}

/// The index of a row as `snmptable -Ci` prints it: the instance part of a cell's printed name,
/// decoded by the INDEX clause (`"bob"`, `127.0.0.1.161`), numbers when the table is unknown.
fn table_index(entry: &Oid, column: Option<u32>, index: &[u32]) -> String {
    let Some(column) = column else {
        return dotted(index);
    };
    let tree = mib::tree();
    let cell = cell_oid(entry, column, index);
    let mut name = String::new();
    tree.write_oid(&mut name, cell.arcs(), NameStyle::Suffix, true);
    match (tree.longest_prefix(cell.arcs()), name.split_once('.')) {
        (Some((_, known)), Some((_, rest))) if known == entry.arcs().len() + 1 => rest.to_owned(),
        _ => dotted(index),
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .last()
        .map_or(0, |((i, x), _)| i + x.len_utf8())
}

/// A JSON value as a CSV field: strings as they are, numbers in decimal, null empty.
fn json_field(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// One CSV row (RFC 4180): a field with a comma, quote, CR or LF is quoted, quotes doubled.
///
/// # Errors
/// When writing fails.
pub fn write_csv_row(out: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&f.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(f);
        }
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}
