//! Runtime selection of the widest vector instructions the CPU has, for the kernels' loops.
//!
//! The crate is compiled for the baseline of its target (x86-64: SSE2), so a default binary runs
//! everywhere. [`multiversion!`] compiles a function body three times on x86-64 — with AVX-512,
//! with AVX2 + FMA, and for the baseline — and picks one per call from `is_x86_feature_detected!`
//! (cached by the standard library). The body is the same code; Rust does not contract `a·b + c`
//! into FMA on its own, so the three versions give the same results.

/// Defines `fn NAME(ARGS) -> RET { BODY }` that runs BODY compiled for the best instruction set
/// of the running CPU (see the module docs). Arguments must be plain `name: Type` pairs.
macro_rules! multiversion {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($a:ident : $t:ty),* $(,)?) $(-> $r:ty)? $body:block) => {
        $(#[$m])*
        #[allow(clippy::too_many_arguments)]
        $vis fn $name($($a: $t),*) $(-> $r)? {
            #[inline(always)]
            #[allow(clippy::too_many_arguments)]
            fn body($($a: $t),*) $(-> $r)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                fn v4($($a: $t),*) $(-> $r)? {
                    body($($a),*)
                }
                #[target_feature(enable = "avx2,fma")]
                #[allow(clippy::too_many_arguments)]
                fn v3($($a: $t),*) $(-> $r)? {
                    body($($a),*)
                }
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
                    && std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the CPU has every feature `v4` is compiled for (checked above).
                    return unsafe { v4($($a),*) };
                }
                if std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                {
                    // SAFETY: the CPU has every feature `v3` is compiled for (checked above).
                    return unsafe { v3($($a),*) };
                }
            }
            body($($a),*)
        }
    };
}

pub(crate) use multiversion;
