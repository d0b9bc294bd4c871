//! Large allocations: the reader's buffers and arrays are tens of megabytes, and filling them
//! with 4 KiB pages costs thousands of page faults (each microseconds, more in a virtual
//! machine). These helpers ask for transparent huge pages where the system offers them.

use ndarray::Array2;

/// Ask the kernel to back a large allocation with transparent huge pages (Linux
/// `madvise(MADV_HUGEPAGE)`), so that filling it takes a few 2 MiB page faults instead of
/// thousands of 4 KiB ones (each costs microseconds, more in a virtual machine). Only advice:
/// the allocation itself is unchanged, and nothing happens on other systems.
pub fn with_huge_pages<T>(v: Vec<T>) -> Vec<T> {
    advise_huge_pages(
        v.as_ptr() as *const u8,
        v.capacity() * std::mem::size_of::<T>(),
    );
    v
}

/// See [`with_huge_pages`]; `ptr..ptr+len` must lie inside one live allocation.
pub fn advise_huge_pages(ptr: *const u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        if len >= 2 * HUGE {
            let start = (ptr as usize).div_ceil(HUGE) * HUGE;
            let end = (ptr as usize + len) / HUGE * HUGE;
            if end > start {
                // SAFETY: madvise only gives advice about pages inside a live allocation (the
                // range is rounded inwards); it never changes their contents or ownership.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
                }
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

/// A `[rows, row.len()]` array with every row equal to `row`, with huge-page advice.
pub fn array2_from_rows<T: Copy>(rows: usize, row: &[T]) -> Array2<T> {
    let n = row.len();
    let mut out = Array2::<T>::uninit((rows, n));
    advise_huge_pages(
        out.as_ptr() as *const u8,
        out.len() * std::mem::size_of::<T>(),
    );
    for mut r in out.rows_mut() {
        for (o, v) in r.iter_mut().zip(row) {
            o.write(*v);
        }
    }
    // SAFETY: every element of every row was written above.
    unsafe { out.assume_init() }
}
