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

    /// A JPEG with an EXIF segment holding a GPS tag and "turn 90°", as phones write them.
    pub fn photo_with_gps() -> Vec<u8> {
        let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 20, |x, _| {
            image::Rgb([(x * 6) as u8, 120, 40])
        }));
        let mut jpeg = Cursor::new(Vec::new());
        picture.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let jpeg = jpeg.into_inner();
        // TIFF header, one IFD with Orientation = 6 (turn 90° clockwise) and a GPS pointer.
        let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&[0, 2]);
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0x26]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(b"GPS 48.8566 N 2.3522 E");
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn metadata_is_dropped_and_orientation_applied() {
        let photo = photo_with_gps();
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
        let mut broken = photo_with_gps();
        broken.truncate(200);
        assert!(reencode(&broken).unwrap_err().contains("abîmée"));
    }
}
