//! Pictures uploaded with news items. An upload is recognised by its content (not its name),
//! decoded, turned upright, scaled down once to the widest size a page shows, and encoded
//! again, which also drops what cameras and phones write into the file (location, device).
//! The result is stored in the database, so that every instance of the site serves the same
//! picture, under an address made from its content that never changes.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use sqlx::PgExecutor;
use tokio::sync::Semaphore;

/// The largest upload taken in.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Wider than the text column on any screen, twice over for sharp pictures on dense displays.
pub const MAX_WIDTH: u32 = 1200;
/// Pictures with more pixels are refused before a single one is decoded: a file of one
/// megabyte can claim dimensions that would take gigabytes. Forty megapixels take in the photos
/// of every camera and phone in their usual settings (a 24-megapixel camera gives 6000 × 4000).
pub const MAX_MEGAPIXELS: u64 = 40;
const MAX_PIXELS: u64 = MAX_MEGAPIXELS * 1_000_000;
/// What the decoded pixels may take, also judged from the header: forty megapixels of colour
/// with transparency, or fewer at 16 bits per channel.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// Pictures prepared at once; more wait their turn. With the budget above, this bounds the
/// memory all uploads together can take.
const PREPARED_AT_ONCE: usize = 2;
const JPEG_QUALITY: u8 = 85;

static PREPARING: Semaphore = Semaphore::const_new(PREPARED_AT_ONCE);

/// Why an upload is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    #[error("larger than {} MB", MAX_UPLOAD_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("not a JPEG, PNG or WebP picture")]
    WrongType,
    #[error("the picture cannot be read")]
    Unreadable,
    #[error("{width} × {height} pixels, more than {MAX_MEGAPIXELS} megapixels")]
    TooManyPixels { width: u32, height: u32 },
}

impl ImageProblem {
    /// As the upload form says it.
    pub fn message(self) -> String {
        match self {
            ImageProblem::TooLarge => format!(
                "Die Datei ist größer als {} MB. Bitte verkleinern Sie das Bild oder wählen Sie ein anderes.",
                MAX_UPLOAD_BYTES / 1024 / 1024
            ),
            ImageProblem::WrongType => "Diese Datei ist kein Bild im Format JPEG, PNG oder WebP. Bitte wählen Sie ein Foto oder eine Grafik in einem dieser Formate.".into(),
            ImageProblem::Unreadable => "Das Bild lässt sich nicht lesen; die Datei ist vielleicht beschädigt. Bitte wählen Sie eine andere Datei.".into(),
            ImageProblem::TooManyPixels { width, height } => format!(
                "Das Bild hat {width} × {height} Pixel; die Website nimmt Bilder bis {MAX_MEGAPIXELS} Megapixel an \
                 (zum Beispiel 6000 × 4000 Pixel). Bitte verkleinern Sie es vorher, etwa auf 2400 Pixel Breite."
            ),
        }
    }
}

/// How a picture is stored and served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredFormat {
    /// Photos.
    Jpeg,
    /// Graphics with transparency or sharp edges, as uploaded.
    Png,
}

impl StoredFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "image/jpeg",
            StoredFormat::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            StoredFormat::Jpeg => "jpg",
            StoredFormat::Png => "png",
        }
    }

    fn of_content_type(content_type: &str) -> Self {
        if content_type == "image/png" {
            StoredFormat::Png
        } else {
            StoredFormat::Jpeg
        }
    }
}

/// A picture ready to be stored.
#[derive(Debug, Clone)]
pub struct PreparedImage {
    pub key: String,
    pub format: StoredFormat,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// Checks and prepares an upload, waiting while others are prepared (see [`PREPARED_AT_ONCE`]).
pub async fn prepare_upload(upload: bytes::Bytes) -> Result<PreparedImage, ImageProblem> {
    // The semaphore is never closed, so acquiring fails only in theory; then no picture is made.
    let Ok(_turn) = PREPARING.acquire().await else {
        return Err(ImageProblem::Unreadable);
    };
    tokio::task::spawn_blocking(move || prepare(&upload))
        .await
        // A decoder that panicked on a malformed file has read a file that cannot be read.
        .unwrap_or(Err(ImageProblem::Unreadable))
}

/// Checks and prepares an upload. Takes a while for a large photo: run it off the async threads,
/// and not many at once ([`prepare_upload`] does both).
pub fn prepare(upload: &[u8]) -> Result<PreparedImage, ImageProblem> {
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    let format = image::guess_format(upload).map_err(|_| ImageProblem::WrongType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(ImageProblem::WrongType);
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    // A second guard, inside the decoders, should the header's account below be wrong.
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES + MAX_DECODED_BYTES / 2);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| ImageProblem::Unreadable)?;
    // Only the header is read so far: the budget is checked before any pixel is decoded.
    let (width, height) = decoder.dimensions();
    let too_large = ImageProblem::TooManyPixels { width, height };
    if u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODED_BYTES
    {
        return Err(too_large);
    }
    let decoding_problem = |error| match error {
        image::ImageError::Limits(_) => too_large,
        _ => ImageProblem::Unreadable,
    };
    let orientation = decoder.orientation().map_err(decoding_problem)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decoding_problem)?;
    picture.apply_orientation(orientation);
    if picture.width() > MAX_WIDTH {
        picture = scale_to_page_width(&picture);
    }
    // Transparency needs PNG. Otherwise the smaller file wins: JPEG for photos, PNG for
    // graphics with sharp edges and few colours (which JPEG would blur).
    let png = encode(&picture, StoredFormat::Png).map_err(|_| ImageProblem::Unreadable)?;
    let (stored_format, bytes) = if picture.color().has_alpha() {
        (StoredFormat::Png, png)
    } else {
        let jpeg = encode(&picture, StoredFormat::Jpeg).map_err(|_| ImageProblem::Unreadable)?;
        if jpeg.len() < png.len() {
            (StoredFormat::Jpeg, jpeg)
        } else {
            (StoredFormat::Png, png)
        }
    };
    let digest = Sha256::digest(&bytes);
    Ok(PreparedImage {
        key: hex::encode(&digest[..16]),
        format: stored_format,
        width: picture.width(),
        height: picture.height(),
        bytes,
    })
}

/// Scales `picture` to [`MAX_WIDTH`]. A sharp filter over the full picture would need a working
/// copy of 16 bytes a pixel in full width; so a large picture is first averaged down to twice
/// the width (cheap, and no such copy), and only then filtered.
fn scale_to_page_width(picture: &DynamicImage) -> DynamicImage {
    let averaged;
    let picture = if picture.width() > 2 * MAX_WIDTH {
        averaged = picture.thumbnail(2 * MAX_WIDTH, u32::MAX);
        &averaged
    } else {
        picture
    };
    picture.resize(MAX_WIDTH, u32::MAX, FilterType::CatmullRom)
}

fn encode(picture: &DynamicImage, format: StoredFormat) -> image::ImageResult<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        StoredFormat::Jpeg => {
            let encoder = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
            DynamicImage::ImageRgb8(picture.to_rgb8()).write_with_encoder(encoder)?;
        }
        StoredFormat::Png => {
            let encoder = PngEncoder::new(&mut bytes);
            let picture = if picture.color().has_alpha() {
                DynamicImage::ImageRgba8(picture.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(picture.to_rgb8())
            };
            picture.write_with_encoder(encoder)?;
        }
    }
    Ok(bytes)
}

/// A stored picture as pages refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub id: i64,
    pub key: String,
    pub format: StoredFormat,
    pub width: u32,
    pub height: u32,
}

/// Stores `image` (once: the same picture uploaded twice is one row) and returns its id.
pub async fn store(db: impl PgExecutor<'_>, image: &PreparedImage) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into image (key, content_type, width, height, bytes)
           values ($1, $2, $3, $4, $5)
           on conflict (key) do update set key = excluded.key
           returning id"#,
        image.key,
        image.format.content_type(),
        i32::try_from(image.width).unwrap_or(i32::MAX),
        i32::try_from(image.height).unwrap_or(i32::MAX),
        image.bytes,
    )
    .fetch_one(db)
    .await
}

/// The stored picture under `key`, with its content type.
pub async fn find(
    db: impl PgExecutor<'_>,
    key: &str,
) -> Result<Option<(StoredFormat, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query!("select content_type, bytes from image where key = $1", key)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|row| (StoredFormat::of_content_type(&row.content_type), row.bytes)))
}

/// The stored picture under `key`, as pages refer to it.
pub async fn find_reference(
    db: impl PgExecutor<'_>,
    key: &str,
) -> Result<Option<ImageRef>, sqlx::Error> {
    let row = sqlx::query!(
        "select id, key, content_type, width, height from image where key = $1",
        key
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| reference(row.id, row.key, &row.content_type, row.width, row.height)))
}

/// The stored picture with `id` (that of an earlier version, say).
pub async fn find_reference_by_id(
    db: impl PgExecutor<'_>,
    id: i64,
) -> Result<Option<ImageRef>, sqlx::Error> {
    let row = sqlx::query!(
        "select id, key, content_type, width, height from image where id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| reference(row.id, row.key, &row.content_type, row.width, row.height)))
}

/// Pictures no news item and no version of one uses any more, deleted; those uploaded within
/// the last day are kept, as they may belong to a form someone is still writing.
pub async fn delete_unused(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        r#"delete from image i
           where i.created_at < now() - interval '1 day'
             and not exists (select 1 from news_item n where n.image_id = i.id)
             and not exists (select 1 from news_revision r
                             where (r.content ->> 'image_id')::bigint = i.id)"#
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// A stored picture's reference, read back from its columns.
pub fn reference(id: i64, key: String, content_type: &str, width: i32, height: i32) -> ImageRef {
    ImageRef {
        id,
        key,
        format: StoredFormat::of_content_type(content_type),
        width: u32::try_from(width).unwrap_or_default(),
        height: u32::try_from(height).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        encode(&DynamicImage::ImageRgb8(picture), StoredFormat::Jpeg).unwrap()
    }

    /// A PNG that claims `width` × `height` pixels in its header, with almost no data after it.
    fn png_claiming(width: u32, height: u32, bit_depth: u8, colour_type: u8) -> Vec<u8> {
        fn chunk(kind: &[u8; 4], data: &[u8], png: &mut Vec<u8>) {
            png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            let mut crc = crc32fast::Hasher::new();
            crc.update(kind);
            crc.update(data);
            png.extend_from_slice(&crc.finalize().to_be_bytes());
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut header = Vec::new();
        header.extend_from_slice(&width.to_be_bytes());
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[bit_depth, colour_type, 0, 0, 0]);
        chunk(b"IHDR", &header, &mut png);
        chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
            &mut png,
        );
        chunk(b"IEND", &[], &mut png);
        png
    }

    /// A real small JPEG whose frame header then claims `width` × `height` pixels.
    fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = jpeg(16, 16);
        let frame = bytes
            .windows(2)
            .position(|marker| marker == [0xff, 0xc0])
            .unwrap();
        bytes[frame + 5..frame + 7].copy_from_slice(&height.to_be_bytes());
        bytes[frame + 7..frame + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn pictures_over_the_pixel_budget_are_refused_from_their_header() {
        // 16-bit RGBA, 12000 × 12000: 1.1 GB decoded.
        assert_eq!(
            prepare(&png_claiming(12_000, 12_000, 16, 6)).unwrap_err(),
            ImageProblem::TooManyPixels {
                width: 12_000,
                height: 12_000
            }
        );
        assert_eq!(
            prepare(&jpeg_claiming(11_999, 11_999)).unwrap_err(),
            ImageProblem::TooManyPixels {
                width: 11_999,
                height: 11_999
            }
        );
        // Under forty megapixels, but 16-bit RGBA: 8 bytes a pixel is over the byte budget.
        assert!(matches!(
            prepare(&png_claiming(6_000, 6_000, 16, 6)).unwrap_err(),
            ImageProblem::TooManyPixels { .. }
        ));
        let message = ImageProblem::TooManyPixels {
            width: 12_000,
            height: 12_000,
        }
        .message();
        assert!(message.contains("12000 × 12000"), "{message}");
        assert!(message.contains("40 Megapixel"), "{message}");
    }

    #[test]
    fn a_long_thin_picture_is_scaled_like_any_other() {
        let mut bytes = Vec::new();
        RgbImage::from_pixel(100_000, 1, Rgb([200, 30, 30]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let prepared = prepare(&bytes).unwrap();
        assert_eq!((prepared.width, prepared.height), (MAX_WIDTH, 1));
    }

    #[test]
    fn very_large_photos_are_averaged_first_and_still_end_at_the_page_width() {
        let prepared = prepare(&jpeg(6000, 4000)).unwrap();
        assert_eq!((prepared.width, prepared.height), (MAX_WIDTH, 800));
    }

    #[test]
    fn large_photos_are_scaled_to_the_page_width() {
        let prepared = prepare(&jpeg(2400, 1600)).unwrap();
        assert_eq!((prepared.width, prepared.height), (MAX_WIDTH, 800));
        assert_eq!(prepared.format, StoredFormat::Jpeg);
        assert_eq!(
            image::guess_format(&prepared.bytes).unwrap(),
            ImageFormat::Jpeg
        );
        assert_eq!(prepared.key.len(), 32);
    }

    #[test]
    fn flat_graphics_stay_sharp_as_png() {
        let mut bytes = Vec::new();
        RgbImage::from_pixel(600, 400, Rgb([21, 62, 107]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        assert_eq!(prepare(&bytes).unwrap().format, StoredFormat::Png);
    }

    #[test]
    fn small_pictures_keep_their_size_and_transparency() {
        let mut bytes = Vec::new();
        RgbaImage::from_pixel(300, 200, Rgba([10, 20, 30, 128]))
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        let prepared = prepare(&bytes).unwrap();
        assert_eq!((prepared.width, prepared.height), (300, 200));
        assert_eq!(prepared.format, StoredFormat::Png);
    }

    #[test]
    fn uploads_are_recognised_by_their_content() {
        assert_eq!(
            prepare(b"%PDF-1.7\n1 0 obj").unwrap_err(),
            ImageProblem::WrongType
        );
        assert_eq!(
            prepare(b"GIF89a\x01\x00\x01\x00").unwrap_err(),
            ImageProblem::WrongType
        );
        // A JPEG's first bytes and then nothing that decodes.
        assert_eq!(
            prepare(b"\xff\xd8\xff\xe0garbage").unwrap_err(),
            ImageProblem::Unreadable
        );
        assert_eq!(
            prepare(&vec![0_u8; MAX_UPLOAD_BYTES + 1]).unwrap_err(),
            ImageProblem::TooLarge
        );
    }
}
