//! Loads the embedded Fashion-MNIST subset (or a directory given as the first argument) and
//! prints the shape, labels and pixel statistics of the first training batch.
//!
//! ```sh
//! cargo run -p regnet-data --example first_batch
//! cargo run -p regnet-data --example first_batch -- /usr/share/datasets/fashion-mnist
//! ```

use regnet_data::{
    Dataset, FashionMnist, FashionMnistTransform, Loader, LoaderConfig, Pipeline, Split,
};

fn main() -> Result<(), regnet_data::DataError> {
    let train = match std::env::args().nth(1) {
        Some(dir) => FashionMnist::from_dir(dir, Split::Train)?,
        None => FashionMnist::embedded(Split::Train)?,
    };
    let pipeline = Pipeline::fashion_mnist(FashionMnistTransform {
        augment: true,
        ..Default::default()
    });
    let config = LoaderConfig {
        batch_size: 128,
        seed: 0,
        workers: 2,
        ..Default::default()
    };
    let loader = Loader::new(Dataset::from(train), pipeline, config)?;
    println!(
        "{} images, {} batches per epoch",
        loader.dataset().len(),
        loader.num_batches()
    );
    if let Some(batch) = loader.epoch(0).next() {
        let batch = batch?;
        let mean = batch.images.iter().sum::<f32>() / batch.images.len() as f32;
        println!(
            "batch shape {:?}, first labels {:?}, mean {mean:.4}",
            batch.shape(),
            &batch.labels[..8]
        );
    }
    Ok(())
}
