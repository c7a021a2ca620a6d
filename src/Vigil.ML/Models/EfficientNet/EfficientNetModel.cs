using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Models.EfficientNet;

/// <summary>
/// EfficientNet (Tan &amp; Le 2019) built from <see cref="EfficientNetBuilder"/>'s decoded block table, with the same
/// module tree and parameter names as torchvision's <c>efficientnet_b*</c> (<c>features.*</c>, <c>classifier.1.*</c>),
/// plus two buffers, <c>input_mean</c> and <c>input_std</c>: it takes images in [0, 1] and normalises them itself.
/// <see cref="nn.Module{T, TResult}.forward"/> returns logits [B, classes].
/// </summary>
public sealed class EfficientNetModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Names of the normalisation buffers, which no pretrained file holds.</summary>
    public const string MeanBufferName = "input_mean", StdBufferName = "input_std";

    private readonly Sequential _features;
    private readonly nn.Module<Tensor, Tensor>[] _stages;
    private readonly Sequential _classifier;

    /// <summary>Builds the model with torchvision's initialisation.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="TorchLoadException">libtorch cannot be loaded here.</exception>
    public EfficientNetModel(EfficientNetOptions options) : base(nameof(EfficientNetModel))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchNative.EnsureLoaded();
        Options = options;
        Layout = EfficientNetBuilder.Build(options.Scaling, stochasticDepth: options.StochasticDepth);

        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("0", new ConvBnAct(options.InputChannels, Layout.StemChannels, 3, stride: 2)),
        };
        foreach (IReadOnlyList<MBConvBlockSpec> stage in Layout.Stages)
        {
            var blocks = stage.Select((spec, i) => (i.ToString(), (nn.Module<Tensor, Tensor>)new MBConvBlock(spec))).ToArray();
            features.Add((features.Count.ToString(), nn.Sequential(blocks)));
        }
        int lastWidth = Layout.Stages[^1][^1].OutChannels;
        features.Add((features.Count.ToString(), new ConvBnAct(lastWidth, Layout.HeadChannels, 1)));
        _features = nn.Sequential(features.ToArray());
        _stages = features.Select(f => f.Item2).ToArray();

        Classifier = nn.Linear(Layout.HeadChannels, options.NumClasses);
        _classifier = nn.Sequential(("0", nn.Dropout(options.Dropout ?? options.Scaling.Dropout)), ("1", Classifier));

        InputNormalization norm = options.ResolvedNormalization;
        // Detached: a caller's dispose scope must not free the model's own state when it ends.
        // Looked up by name at each forward, never cached in fields: Module.to(dtype or device) replaces buffer tensors.
        var mean = torch.tensor(norm.Mean.ToArray(), [1, options.InputChannels, 1, 1]).DetachFromDisposeScope();
        var std = torch.tensor(norm.Std.ToArray(), [1, options.InputChannels, 1, 1]).DetachFromDisposeScope();

        register_module("features", _features);
        register_module("classifier", _classifier);
        register_buffer(MeanBufferName, mean);
        register_buffer(StdBufferName, std);
        EfficientNetInit.Apply(this);
    }

    /// <summary>The options it was built with.</summary>
    public EfficientNetOptions Options { get; }

    /// <summary>The decoded architecture.</summary>
    public EfficientNetLayout Layout { get; }

    /// <summary>Name prefix of the head convolution in <see cref="Layout"/>'s module tree (<c>features.8</c> in B0).</summary>
    public string HeadPrefix => $"features.{Layout.Stages.Count + 1}";

    /// <summary>The final linear layer (<c>classifier.1</c>), e.g. to re-initialise it for a new class count.</summary>
    public Linear Classifier { get; }

    /// <summary>Number of trainable parameters (buffers excluded).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Logits [B, classes] for images [B, C, H, W] in [0, 1] (any H, W ≥ 1).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = ForwardFeaturesCore(images);
        return _classifier.forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>Pooled features [B, <see cref="EfficientNetLayout.HeadChannels"/>] before dropout and the classifier.</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        using var scope = NewDisposeScope();
        return ForwardFeaturesCore(images).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One forward pass giving the classifier's pooled features [B, <see cref="EfficientNetLayout.HeadChannels"/>] and the
    /// low-level statistics of the first <paramref name="leadingStages"/> stages (the stem is the first): each channel's
    /// spatial mean, then each channel's spatial spread, [B, <see cref="StatisticsWidth"/>]. Those statistics (colour,
    /// contrast, texture, grain) are what an out-of-distribution test needs: the deeper features are trained to ignore
    /// exactly what tells a photograph or noise from a scan (docs/training-internals.md, router).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leadingStages"/> is not between 1 and the number of stages.</exception>
    public (Tensor Features, Tensor Statistics) ForwardWithStatistics(Tensor images, int leadingStages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leadingStages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leadingStages, _stages.Length);
        using var scope = NewDisposeScope();
        CheckInput(images);
        Tensor x = (images - get_buffer(MeanBufferName)!) / get_buffer(StdBufferName)!;
        var means = new List<Tensor>(leadingStages);
        var spreads = new List<Tensor>(leadingStages);
        for (int i = 0; i < _stages.Length; i++)
        {
            x = _stages[i].forward(x);
            if (i >= leadingStages) continue;
            means.Add(x.mean([2, 3]));
            spreads.Add(x.flatten(2).std(2, unbiased: false));
        }
        Tensor features = x.mean([2, 3]);
        return (features.MoveToOuterDisposeScope(), torch.cat([.. means, .. spreads], 1).MoveToOuterDisposeScope());
    }

    /// <summary>Stages there are for <see cref="ForwardWithStatistics"/>: the stem, each block stage, the head convolution.</summary>
    public int StageCount => _stages.Length;

    /// <summary>Width of <see cref="ForwardWithStatistics"/>' statistics: twice the channels of its leading stages.</summary>
    public int StatisticsWidth(int leadingStages) =>
        2 * new[] { Layout.StemChannels }.Concat(Layout.Stages.Select(s => s[^1].OutChannels)).Append(Layout.HeadChannels).Take(leadingStages).Sum();

    private void CheckInput(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Options.InputChannels)
            throw new ArgumentException($"expected images [B, {Options.InputChannels}, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
    }

    private Tensor ForwardFeaturesCore(Tensor images)
    {
        CheckInput(images);
        Tensor normalised = (images - get_buffer(MeanBufferName)!) / get_buffer(StdBufferName)!;
        Tensor mapped = _features.forward(normalised);
        return nn.functional.adaptive_avg_pool2d(mapped, [1, 1]).flatten(1);
    }
}
