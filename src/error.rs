//! One error type for the crate, in the style of rust-csv: a boxed kind (so `Result<T>` stays one
//! pointer wide) that carries, for anything read from a file, the [`Position`] — file, line,
//! column and byte offset — and a sentence saying what was expected and what was found.
//!
//! Physics and network maths return the same type for bad arguments (mismatched shapes, singular
//! matrices), so callers have one `?` to write.

use std::fmt;
use std::path::{Path, PathBuf};

/// `Result` with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Where in an input something went wrong. Lines and columns count from 1; `byte` from 0.
/// Columns count bytes, not characters (Touchstone data is ASCII; comments may not be).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// The file, when the input came from one.
    pub file: Option<PathBuf>,
    pub line: u64,
    pub column: u64,
    pub byte: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(p) => write!(f, "{}:{}:{}", p.display(), self.line, self.column),
            None => write!(f, "<input>:{}:{}", self.line, self.column),
        }
    }
}

/// What went wrong while reading a file; each is one class of bad input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A token where a number was expected did not parse as a finite number.
    InvalidNumber,
    /// A frequency record or line held more or fewer values than the header implies.
    WrongValueCount,
    /// The data stopped inside a record (or a declared count was not reached).
    Truncated,
    /// A frequency was negative.
    NegativeFrequency,
    /// A frequency did not increase (decreasing, or not allowed to decrease here).
    NonMonotonicFrequency,
    /// The same frequency appeared twice.
    DuplicateFrequency,
    /// The option line (`# GHz S MA R 50`) held something not allowed.
    InvalidOptionLine,
    /// A `[Keyword]` that Touchstone does not define, or one in the wrong place.
    UnknownKeyword,
    /// A keyword whose value is missing or not of the expected form.
    InvalidKeywordValue,
    /// A required keyword or section is missing.
    MissingKeyword,
    /// A declared size (ports, frequencies) beyond what the reader accepts, or beyond what the
    /// data could back.
    SizeLimit,
    /// Text that is not data where data was expected.
    UnexpectedText,
    /// Anything else about the file's structure.
    Structure,
}

/// The kinds of error the crate returns.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file's contents are not what its format allows.
    Parse {
        pos: Position,
        kind: ParseErrorKind,
        /// What was expected and what was found, as a sentence.
        message: String,
    },
    /// An argument to a computation is not valid (shapes, port lists, ranges).
    InvalidArgument(String),
    /// A matrix that must be inverted is singular (or numerically so).
    Singular {
        operation: &'static str,
        frequency_index: usize,
    },
}

/// The crate's error: a boxed [`ErrorKind`].
pub struct Error(Box<ErrorKind>);

impl Error {
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
    /// The position in the input, for parse errors.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::Parse { pos, .. } => Some(pos),
            _ => None,
        }
    }
    /// The class of a parse error.
    pub fn parse_kind(&self) -> Option<ParseErrorKind> {
        match &*self.0 {
            ErrorKind::Parse { kind, .. } => Some(*kind),
            _ => None,
        }
    }
    pub fn parse(pos: Position, kind: ParseErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorKind::Parse {
            pos,
            kind,
            message: message.into(),
        }))
    }
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error(Box::new(ErrorKind::Io {
            path: path.to_path_buf(),
            source,
        }))
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Error(Box::new(ErrorKind::InvalidArgument(message.into())))
    }
    pub fn singular(operation: &'static str, frequency_index: usize) -> Self {
        Error(Box::new(ErrorKind::Singular {
            operation,
            frequency_index,
        }))
    }
    /// Attach a file name to a parse error that has none.
    pub fn with_file(mut self, path: &Path) -> Self {
        if let ErrorKind::Parse { pos, .. } = &mut *self.0
            && pos.file.is_none()
        {
            pos.file = Some(path.to_path_buf());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ErrorKind::Parse { pos, message, .. } => {
                write!(f, "{pos}: {message} (line {}, byte {})", pos.line, pos.byte)
            }
            ErrorKind::InvalidArgument(m) => write!(f, "invalid argument: {m}"),
            ErrorKind::Singular {
                operation,
                frequency_index,
            } => write!(
                f,
                "{operation}: singular matrix at frequency index {frequency_index}"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
