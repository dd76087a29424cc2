//! Work that holds a processor or much memory for a while — decoding images, reading a
//! spreadsheet of tens of thousands of rows — runs here: on a blocking thread, never on
//! the async workers that answer every other request (`/healthz` included), and a few at
//! a time per kind, so that a burst waits its turn instead of taking the machine.

use tokio::sync::Semaphore;

/// One kind of heavy work and how many may run at once in this process.
pub struct Lane {
    places: Semaphore,
}

impl Lane {
    const fn new(places: usize) -> Lane {
        Lane {
            places: Semaphore::const_new(places),
        }
    }

    /// Runs `work` on a blocking thread once a place of this lane is free.
    pub async fn run<T: Send + 'static>(
        &'static self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let _place = self
            .places
            .acquire()
            .await
            .expect("a lane's semaphore is never closed");
        tokio::task::spawn_blocking(work)
            .await
            .expect("heavy work does not panic")
    }
}

/// Images decoded at once: each may take `files::images::MAX_DECODED_BYTES`.
pub static IMAGES: Lane = Lane::new(2);

/// Spreadsheets read and checked at once (imports' previews and confirmations).
pub static IMPORTS: Lane = Lane::new(2);
