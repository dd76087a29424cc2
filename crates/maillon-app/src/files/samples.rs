//! Files made on the spot for the demo and the tests: a phone-like photo (with the EXIF
//! and GPS data that must not survive an upload) and a one-page PDF.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

/// A `width` × `height` JPEG in soft stripes of `hue` (0–5), with an EXIF segment holding
/// a GPS position and "turn 90°", as phones write them.
pub fn photo_with_gps(width: u32, height: u32) -> Vec<u8> {
    photo(width, height, 0, true)
}

/// A plain JPEG picture in one of six colours, without metadata.
pub fn picture(width: u32, height: u32, hue: u32) -> Vec<u8> {
    photo(width, height, hue, false)
}

fn photo(width: u32, height: u32, hue: u32, with_exif: bool) -> Vec<u8> {
    const COLOURS: [[u8; 3]; 6] = [
        [31, 94, 140],
        [180, 83, 9],
        [21, 128, 61],
        [126, 34, 206],
        [190, 18, 60],
        [15, 118, 110],
    ];
    let base = COLOURS[hue as usize % COLOURS.len()];
    let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        let light = if (x / 16 + y / 16) % 2 == 0 { 0 } else { 30 };
        image::Rgb(base.map(|c| c.saturating_add(light)))
    }));
    let mut jpeg = Cursor::new(Vec::new());
    picture
        .write_to(&mut jpeg, ImageFormat::Jpeg)
        .expect("a JPEG in memory");
    let jpeg = jpeg.into_inner();
    if !with_exif {
        return jpeg;
    }
    // TIFF header, one IFD: Orientation = 6 (turn 90° clockwise) and a GPS pointer, then
    // the position as text where a reader would find it.
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0x26]);
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
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

/// The start of a PNG that says it is `width` × `height` grey pixels, and the first bytes
/// of its data: what a "decompression bomb" shows before it unfolds.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // 8 bits, greyscale, deflate, no filter choice, not interlaced.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // A zlib stream's header and a first block of zeros, cut short.
    chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x62, 0x60, 0x18, 0x05]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A one-page A4 PDF showing `lines` (Latin-1 text) in Helvetica.
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 14 Tf 60 780 Td 20 TL\n");
    for line in lines {
        let escaped: String = line
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if (c as u32) < 256 => c.to_string(),
                _ => "?".to_string(),
            })
            .collect();
        text.push_str(&format!("({escaped}) Tj T*\n"));
    }
    text.push_str("ET");
    let content: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(),
            content,
            b"\nendstream".to_vec(),
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
