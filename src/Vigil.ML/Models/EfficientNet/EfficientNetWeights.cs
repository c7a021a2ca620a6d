using TorchSharp;
using Vigil.ML.Models.Safetensors;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// Loads pretrained EfficientNet weights from a safetensors file written from torchvision or timm (the naming is
/// recognised from the keys). Backbone tensors must match this model's shapes exactly, except the stem of a
/// 1-channel model, which takes an RGB stem summed over its input channels. The classifier is loaded only when its
/// class count matches; otherwise it is re-initialised. The mapping is described in docs/models.md.
/// </summary>
public static class EfficientNetWeights
{
    private const string StemWeight = "features.0.0.weight";
    private const string ClassifierPrefix = "classifier.1.";
    private const string StepCounter = "num_batches_tracked";

    /// <summary>Copies the weights in <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <returns>What was loaded, skipped, missing and re-initialised.</returns>
    /// <exception cref="SafetensorsFormatException">The file is not readable safetensors.</exception>
    /// <exception cref="PretrainedWeightsException">Its names are neither torchvision's nor timm's, or its shapes are another variant's.</exception>
    public static PretrainedLoadReport LoadSafetensors(EfficientNetModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchNative.EnsureLoaded();
        using SafetensorsFile file = SafetensorsFile.Open(path);
        PretrainedNaming naming = DetectNaming(file);

        Dictionary<string, Tensor> targets = TargetTensors(model);
        string? FileName(string modelName) =>
            naming == PretrainedNaming.Torchvision ? modelName : TimmNames.FromTorchvision(modelName, model.Layout);

        bool reinitialiseHead = HeadDiffers(model, file, FileName);
        var loaded = new List<string>();
        var missing = new List<string>();
        var reinitialised = new List<string>();
        var used = new Dictionary<string, string>(StringComparer.Ordinal); // file name → reason it was not loaded, or null
        bool stemSummed = false;

        using (torch.no_grad())
        {
            foreach ((string name, Tensor target) in targets)
            {
                bool isHead = name.StartsWith(ClassifierPrefix, StringComparison.Ordinal);
                string? source = FileName(name);
                if (isHead && reinitialiseHead)
                {
                    reinitialised.Add(name);
                    if (source is not null && file.Tensors.ContainsKey(source))
                        used[source] = $"classifier for another class count (this model has {model.Options.NumClasses} classes); re-initialised";
                    continue;
                }
                if (source is null || !file.Tensors.TryGetValue(source, out SafetensorsTensorInfo? info))
                {
                    missing.Add(name);
                    continue;
                }
                used[source] = "";
                using Tensor values = ReadAs(file, info, target, name, naming, model, ref stemSummed);
                target.copy_(values);
                loaded.Add(name);
            }
            if (reinitialiseHead) EfficientNetInit.InitLinear(model.Classifier);
        }

        var skipped = new List<SkippedTensor>();
        foreach (string fileName in file.Tensors.Keys)
        {
            if (used.TryGetValue(fileName, out string? reason))
            {
                if (reason.Length > 0) skipped.Add(new SkippedTensor(fileName, reason));
                continue;
            }
            skipped.Add(new SkippedTensor(fileName, fileName.EndsWith(StepCounter, StringComparison.Ordinal)
                ? "BatchNorm step counter, not used" : "no matching tensor in this model"));
        }
        return new PretrainedLoadReport(naming, loaded, skipped, missing, reinitialised, stemSummed);
    }

    /// <summary>Recognises the naming from characteristic keys.</summary>
    /// <exception cref="PretrainedWeightsException">Neither naming's keys are there.</exception>
    public static PretrainedNaming DetectNaming(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Tensors.ContainsKey(StemWeight)) return PretrainedNaming.Torchvision;
        if (file.Tensors.ContainsKey("conv_stem.weight")) return PretrainedNaming.Timm;
        string sample = string.Join(", ", file.Tensors.Keys.Take(3));
        throw new PretrainedWeightsException(
            $"{file.Path} does not look like EfficientNet weights from torchvision ('{StemWeight}') or timm ('conv_stem.weight'); its first keys are: {sample}");
    }

    /// <summary>Parameters and BatchNorm running statistics, by name; not the step counters or the input normalisation.</summary>
    private static Dictionary<string, Tensor> TargetTensors(EfficientNetModel model)
    {
        var targets = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, var parameter) in model.named_parameters()) targets[name] = parameter;
        foreach ((string name, Tensor buffer) in model.named_buffers())
        {
            if (name.EndsWith(StepCounter, StringComparison.Ordinal)) continue;
            if (name is EfficientNetModel.MeanBufferName or EfficientNetModel.StdBufferName) continue;
            targets[name] = buffer;
        }
        return targets;
    }

    private static bool HeadDiffers(EfficientNetModel model, SafetensorsFile file, Func<string, string?> fileName)
    {
        string? source = fileName(ClassifierPrefix + "weight");
        if (source is null || !file.Tensors.TryGetValue(source, out SafetensorsTensorInfo? info)) return false;
        return !info.Shape.SequenceEqual(model.Classifier.weight.shape);
    }

    private static Tensor ReadAs(SafetensorsFile file, SafetensorsTensorInfo info, Tensor target, string name,
        PretrainedNaming naming, EfficientNetModel model, ref bool stemSummed)
    {
        long[] wanted = target.shape;
        if (!SafetensorsDTypes.IsConvertibleToFloat32(info.DType))
            throw new PretrainedWeightsException($"{file.Path}: '{info.Name}' is {SafetensorsDTypes.Name(info.DType)}, expected a floating-point tensor");
        Tensor values = torch.tensor(file.ReadFloat32(info.Name), info.Shape.ToArray());
        if (info.Shape.SequenceEqual(wanted)) return values;

        // A grey model from RGB weights: a grey image replicated to RGB gives exactly the summed kernel's response.
        bool greyStem = name == StemWeight && wanted.Length == 4 && wanted[1] == 1 && info.Shape.Count == 4 && info.Shape[1] == 3
            && info.Shape[0] == wanted[0] && info.Shape[2] == wanted[2] && info.Shape[3] == wanted[3];
        if (greyStem)
        {
            using (values)
            {
                stemSummed = true;
                return values.sum(1, keepdim: true);
            }
        }
        values.Dispose();
        throw new PretrainedWeightsException(
            $"{file.Path}: {naming.ToString().ToLowerInvariant()} tensor '{info.Name}' has shape {info.ShapeText} but this EfficientNet-{model.Layout.Scaling.Name} needs [{string.Join(", ", wanted)}] for '{name}'; the file is probably for another variant");
    }
}
