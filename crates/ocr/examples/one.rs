//! Reads the given page images as one original and prints the reading as JSON.
//! `OMP_THREAD_LIMIT=1 cargo run -p truecopy-ocr --release --example one -- front.jpg back.jpg`
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: Vec<image::RgbImage> = std::env::args()
        .skip(1)
        .map(|p| image::open(p).map(|i| i.to_rgb8()))
        .collect::<Result<_, _>>()?;
    let mut engine = truecopy_ocr::OcrEngine::new(&truecopy_ocr::OcrConfig::default())?;
    let r = engine.read(&pages)?;
    println!("{}", serde_json::to_string_pretty(&r)?);
    Ok(())
}
