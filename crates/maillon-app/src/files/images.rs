//! Images are decoded and encoded again before they are kept: what comes out holds only
//! pixels — no EXIF, no GPS position, no camera serial, no hidden payload — and is small
//! enough for a slow connection (at most `MAX_SIDE` pixels a side).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::sniff::{self, Kind};

/// Longest side kept: sharp on a projector, light on a phone.
pub const MAX_SIDE: u32 = 2000;

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
    // A 40-megapixel photo passes; a "decompression bomb" does not.
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(400 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => {
            "Cette image est trop grande (plus de 12 000 pixels de côté).".to_string()
        }
        _ => unreadable(),
    })?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_SIDE || picture.height() > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
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
        let mut broken = super::super::samples::photo_with_gps(40, 20);
        broken.truncate(200);
        assert!(reencode(&broken).unwrap_err().contains("abîmée"));
    }
}
