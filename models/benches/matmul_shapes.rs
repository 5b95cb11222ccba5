//! candle matmul throughput at the shapes of a decoding step, in both
//! forms `layers::Linear` chooses between: `x·Wᵀ` (gemm repacks W on every
//! call) and `(W·xᵀ)ᵀ` (W read in place). The crossover sets
//! `layers::SKINNY_ROWS`. Prints numbers, asserts nothing:
//! `cargo bench -p shanyraq-models --bench matmul_shapes`.

use std::time::Instant;

use candle_core::{Device, Tensor};

fn time(name: &str, f: impl Fn() -> Tensor, flops: f64) {
    f();
    let n = 50;
    let t0 = Instant::now();
    for _ in 0..n {
        f();
    }
    let s = t0.elapsed().as_secs_f64() / n as f64;
    println!("{name}: {:.3} ms, {:.1} GFLOP/s", s * 1e3, flops / s / 1e9);
}

fn main() -> candle_core::Result<()> {
    let d = Device::Cpu;
    let shapes = [
        (16, 512, 512),
        (16, 512, 2048),
        (64, 512, 2048),
        (64, 2048, 512),
        (128, 512, 2048),
        (400, 512, 2048),
        (64, 512, 58101),
    ];
    for (m, k, n) in shapes {
        let x = Tensor::randn(0f32, 1., (m, k), &d)?;
        let w = Tensor::randn(0f32, 1., (n, k), &d)?;
        let fl = 2.0 * (m * k * n) as f64;
        time(
            &format!("{m}×{k}×{n} x·Wᵀ"),
            || x.matmul(&w.t().unwrap()).unwrap(),
            fl,
        );
        time(
            &format!("{m}×{k}×{n} (W·xᵀ)ᵀ"),
            || {
                w.matmul(&x.t().unwrap())
                    .unwrap()
                    .t()
                    .unwrap()
                    .contiguous()
                    .unwrap()
            },
            fl,
        );
    }
    Ok(())
}
