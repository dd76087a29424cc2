//! Images are decoded and encoded again before they are kept: what comes out holds only
//! pixels — no EXIF, no GPS position, no camera serial, no hidden payload — and is small
//! enough for a slow connection (at most `MAX_SIDE` pixels a side).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::sniff::{self, Kind};

/// Longest side kept: sharp on a projector, light on a phone.
pub const MAX_SIDE: u32 = 2000;

/// The most pixels decoded, and the memory they may take (width × height × bytes per
/// pixel): a 48-megapixel phone photo fits (8,064 × 6,048 × 3 bytes = 146 MB). Both are
/// read from the file's header and checked before decoding; shrinking then works in place
/// of a copy (`thumbnail`), so an image costs about its decoded size, and
/// `heavy::IMAGES` bounds how many decode at once.
pub const MAX_PIXELS: u64 = 50_000_000;
pub const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;
/// Longest side decoded.
pub const MAX_DECODED_SIDE: u32 = 12_000;

fn too_big(width: u32, height: u32) -> String {
    format!(
        "Cette image est trop grande ({width} × {height} pixels, soit {} millions de points) : réduisez-la à 50 millions de points au plus (par exemple 8 000 × 6 000), puis déposez-la de nouveau.",
        (u64::from(width) * u64::from(height)).div_ceil(1_000_000)
    )
}

#[derive(Debug)]
pub struct Reencoded {
    pub bytes: Vec<u8>,
    pub kind: &'static Kind,
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` (JPEG, PNG or WebP), turns it the way the camera said (the EXIF
/// orientation is applied, since it is about to be dropped), shrinks it and encodes it as
/// JPEG, or as PNG when it has transparency. Errors are in French for the person.
pub fn reencode(bytes: &[u8]) -> Result<Reencoded, String> {
    let unreadable = || {
        "Cette image est abîmée ou incomplète : ouvrez-la sur votre ordinateur et enregistrez-la de nouveau.".to_string()
    };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| unreadable())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    // The size once decoded, read from the header before a single pixel is: a small PNG
    // can unfold into gigabytes ("decompression bomb").
    let (width, height) = decoder.dimensions();
    if decoder.total_bytes() > MAX_DECODED_BYTES
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || width > MAX_DECODED_SIDE
        || height > MAX_DECODED_SIDE
    {
        return Err(too_big(width, height));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_big(width, height),
        _ => unreadable(),
    })?;
    // Shrunk first, turned after: turning a big picture would copy it whole. `thumbnail`
    // averages areas straight into the small picture; `resize` would first build a
    // floating-point copy as wide as the original (hundreds of megabytes).
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = picture.thumbnail(MAX_SIDE, MAX_SIDE);
    }
    picture.apply_orientation(orientation);
    let mut out = Cursor::new(Vec::new());
    let kind = if picture.color().has_alpha() {
        picture
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| unreadable())?;
        &sniff::PNG
    } else {
        let rgb = picture.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map_err(|_| unreadable())?;
        &sniff::JPEG
    };
    Ok(Reencoded {
        bytes: out.into_inner(),
        kind,
        width: picture.width(),
        height: picture.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_dropped_and_orientation_applied() {
        let photo = super::super::samples::photo_with_gps(40, 20);
        assert!(photo.windows(4).any(|w| w == b"Exif"));
        let out = reencode(&photo).unwrap();
        assert_eq!(out.kind, &sniff::JPEG);
        assert!(!out.bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!out.bytes.windows(3).any(|w| w == b"GPS"));
        // 40 × 20 turned a quarter: 20 × 40.
        assert_eq!((out.width, out.height), (20, 40));
    }

    #[test]
    fn big_images_shrink_and_broken_ones_are_refused() {
        let big = DynamicImage::ImageRgba8(image::RgbaImage::new(3000, 1500));
        let mut png = Cursor::new(Vec::new());
        big.write_to(&mut png, ImageFormat::Png).unwrap();
        let out = reencode(&png.into_inner()).unwrap();
        assert_eq!((out.width, out.height), (2000, 1000));
        assert_eq!(out.kind, &sniff::PNG);
        // A PNG of a few kilobytes that would decode to 11,900 × 11,900 pixels: refused
        // from its header, before any pixel is decoded.
        let bomb = super::super::samples::png_header_only(11_900, 11_900);
        assert!(bomb.len() < 100);
        assert!(reencode(&bomb).unwrap_err().contains("trop grande"));
        let mut broken = super::super::samples::photo_with_gps(40, 20);
        broken.truncate(200);
        assert!(reencode(&broken).unwrap_err().contains("abîmée"));
    }
}
