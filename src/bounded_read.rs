//! Reading an input file with a bound: only a regular file (not a device, a
//! pipe or a folder), and at most [`MAX_INPUT_BYTES`]. Every path a scenario,
//! an overlay or a command line names is read through [`read_input`], so a
//! calendar that names `/dev/zero` is an error at once, not a hang.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest input file read: 256 MiB (a national road network or matrix
/// is a few tens of MiB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    #[error("not read: it is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("not read: it holds more than {} MiB, the most an input file may hold", MAX_INPUT_BYTES / (1024 * 1024))]
    TooLarge,
}

/// The bytes of a regular file of at most [`MAX_INPUT_BYTES`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, InputReadError> {
    read_bounded(path, MAX_INPUT_BYTES)
}

/// Like [`read_input`], with another size limit.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, InputReadError> {
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    check_regular(&std::fs::metadata(path)?)?;
    let file = File::open(path)?;
    let metadata = file.metadata()?;
    check_regular(&metadata)?;
    if metadata.len() > limit {
        return Err(InputReadError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The file may grow after the check: read one byte past the limit to see it.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(InputReadError::TooLarge);
    }
    Ok(bytes)
}

fn check_regular(metadata: &std::fs::Metadata) -> Result<(), InputReadError> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    Err(InputReadError::NotRegular(if kind.is_dir() {
        "a folder"
    } else {
        device_kind(&kind)
    }))
}

#[cfg(unix)]
fn device_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn device_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_refused_without_reading() {
        let error = read_input(Path::new("/dev/zero")).unwrap_err();
        assert!(matches!(error, InputReadError::NotRegular(_)), "{error}");
        assert!(error.to_string().contains("character device"), "{error}");
    }

    #[test]
    fn a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_input(dir.path()).unwrap_err();
        assert!(error.to_string().contains("a folder"), "{error}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        std::fs::write(&path, vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read_bounded(&path, 10),
            Err(InputReadError::TooLarge)
        ));
        assert_eq!(read_bounded(&path, 11).unwrap().len(), 11);
    }
}
