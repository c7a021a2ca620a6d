using Vigil.Imaging.Dicom;
using Vigil.ML.Compute;
using Vigil.ML.Diagnostics;

namespace Vigil.Cli.Commands;

/// <summary>Doctor checks that call into the ML and DICOM libraries.</summary>
internal static class DoctorProbes
{
    public static IEnumerable<DoctorCheck> Torch(string? device, int? threads)
    {
        var t = TorchProbe.Run();
        if (!t.Loaded)
        {
            yield return new DoctorCheck("TorchSharp/libtorch", "fail",
                $"TorchSharp {t.TorchSharpVersion} does not load: {t.LoadError} (rebuild with ./vigil so the build applies its libstdc++ fix; see docs/torchsharp-on-debian.md)", true);
            yield break;
        }
        var patch = t.LibTorchSharpWasPatched ? "; libLibTorchSharp.so patched for this libstdc++ (GLIBCXX_3.4.32 → 3.4.30)" : "";
        yield return new DoctorCheck("TorchSharp/libtorch", "ok", $"TorchSharp {t.TorchSharpVersion}, libtorch {t.LibTorchVersion ?? "?"} loads{patch}", true);
        // Resolved exactly as train/evaluate/detect will; a bad --device/--threads is an input error (exit 2).
        var compute = ComputeResolver.Resolve(device, threads);
        yield return new DoctorCheck("threads", "ok", $"{compute.Threads} torch threads on {t.LogicalCores} logical cores (set with --threads N)", true);
        var heap = Core.Runtime.NativeHeap.Tune();
        yield return new DoctorCheck("native memory", heap is Core.Runtime.NativeHeapState.Tuned or Core.Runtime.NativeHeapState.NotGlibc ? "ok" : "warning",
            Core.Runtime.NativeHeap.Describe(heap), false);
        yield return new DoctorCheck("compute", "ok", $"--device {device ?? "auto"} resolves to {compute.Description}", true);
        yield return new DoctorCheck("CUDA", t.CudaAvailable ? "ok" : "warning",
            t.CudaAvailable ? $"{t.CudaDeviceCount} device(s) available (--device cuda)" : "not available: CPU training only (--device auto picks cpu)", false);
    }

    public static IEnumerable<DoctorCheck> Dicom()
    {
        var d = DicomCodecs.Probe();
        var native = d.TransferSyntaxes.Count(t => t.Decoder == DicomDecoderKind.Native);
        yield return new DoctorCheck("DICOM", "ok",
            $"Part 10 parser: {native} transfer syntaxes decoded natively (uncompressed, deflate, RLE)", true);
        var viaGdcm = d.TransferSyntaxes.Where(t => t.Decoder == DicomDecoderKind.Gdcmconv).ToList();
        yield return d.GdcmconvAvailable
            ? new DoctorCheck("DICOM JPEG family", "ok", $"{viaGdcm.Count} transfer syntaxes (JPEG, JPEG-LS, JPEG 2000) via gdcmconv {d.GdcmconvVersion} ({d.GdcmconvPath})", true)
            : new DoctorCheck("DICOM JPEG family", "fail", d.Advice ?? "gdcmconv missing", true);
    }
}
