using TorchSharp;
using TorchSharp.Modules;
using Vigil.ML.Native;
using static TorchSharp.torch;

namespace Vigil.ML.Models.Vae;

/// <summary>
/// Convolutional variational autoencoder for one-class anomaly detection on images in [0, 1]. The encoder halves the
/// image <see cref="VaeGeometry.Downsamplings"/> times (4×4 conv, stride 2, GroupNorm, SiLU), a linear layer gives μ
/// and log σ² of the latent code, and the decoder mirrors the encoder with transposed convolutions and ends in a
/// sigmoid. GroupNorm rather than BatchNorm: an image's score then never depends on the other images in its batch,
/// and training and inference compute the same function.
/// <see cref="nn.Module{T, TResult}.forward"/> returns (reconstruction, μ, log σ²) and samples the code in training
/// mode (μ in evaluation mode); the scoring methods always decode μ, so scores are deterministic.
/// </summary>
public sealed class VaeModel : nn.Module<Tensor, (Tensor Reconstruction, Tensor Mu, Tensor LogVar)>
{
    // Bounds log σ² so exp() cannot overflow or underflow early in training; wide enough never to bind in practice.
    private const double MinLogVar = -30, MaxLogVar = 20;

    private readonly Sequential _encoder;
    private readonly Linear _mu;
    private readonly Linear _logVar;
    private readonly Linear _decoderInput;
    private readonly Sequential _decoder;
    private readonly int _bottleneckChannels;

    /// <summary>Builds the model (PyTorch's default initialisation).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="TorchLoadException">libtorch cannot be loaded here.</exception>
    public VaeModel(VaeOptions options) : base(nameof(VaeModel))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TorchNative.EnsureLoaded();
        Options = options;
        Geometry = VaeGeometry.For(options.ImageSize);

        int stages = Geometry.Downsamplings;
        int[] widths = Enumerable.Range(0, stages).Select(i => (int)Math.Min((long)options.BaseWidth << i, options.MaxWidth)).ToArray();
        _bottleneckChannels = widths[^1];
        int side = Geometry.BottleneckSide;

        var encoder = new List<(string, nn.Module<Tensor, Tensor>)>();
        int previous = options.Channels;
        for (int i = 0; i < stages; i++)
        {
            encoder.Add(($"{i}", Stage(nn.Conv2d(previous, widths[i], 4, stride: 2, padding: 1, bias: false), widths[i])));
            previous = widths[i];
        }
        _encoder = nn.Sequential(encoder.ToArray());
        long flat = (long)_bottleneckChannels * side * side;
        _mu = nn.Linear(flat, options.LatentDim);
        _logVar = nn.Linear(flat, options.LatentDim);
        _decoderInput = nn.Linear(options.LatentDim, flat);

        var decoder = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = stages - 1; i >= 0; i--)
        {
            int to = i > 0 ? widths[i - 1] : widths[0];
            decoder.Add(($"{decoder.Count}", Stage(nn.ConvTranspose2d(widths[i], to, 4, stride: 2, padding: 1, bias: false), to)));
        }
        decoder.Add(($"{decoder.Count}", nn.Conv2d(widths[0], OutputConvChannels(options.Channels), 3, padding: 1)));
        decoder.Add(($"{decoder.Count}", nn.Sigmoid()));
        _decoder = nn.Sequential(decoder.ToArray());

        register_module("encoder", _encoder);
        register_module("fc_mu", _mu);
        register_module("fc_logvar", _logVar);
        register_module("decoder_input", _decoderInput);
        register_module("decoder", _decoder);
        // Fitted latent statistics live in buffers, so checkpoints and model packages carry them with the weights.
        register_buffer(LatentMeanBuffer, torch.zeros(options.LatentDim));
        register_buffer(LatentPrecisionBuffer, torch.zeros(options.LatentDim, options.LatentDim));
        register_buffer(ScoreStatsBuffer, torch.zeros(5));
        if (options.LatentBank > 0)
        {
            // Only models built with a bank hold these entries, so packages written before it still load.
            register_buffer(LatentBankBuffer, torch.zeros(options.LatentBank, options.LatentDim));
            register_buffer(NeighbourStatsBuffer, torch.zeros(5));
        }
        if (options.AnomalyHead)
        {
            // Only models built with the head hold these entries, so packages written before it still load.
            Head = new AnomalyHead(options.Channels);
            register_module("head", Head);
            register_buffer(HeadFittedBuffer, torch.zeros(1));
            if (options.HeadStatistics) register_buffer(HeadStatsBuffer, torch.zeros(3));
        }
    }

    private const string HeadFittedBuffer = "head_fitted", HeadStatsBuffer = "head_score_stats";

    /// <summary>Whether the model holds room for the head score's statistics (<see cref="VaeOptions.HeadStatistics"/> with a head).</summary>
    public bool HasHeadStatisticsBuffer => Head is not null && Options.HeadStatistics;

    /// <summary>Whether <see cref="FitHeadStatistics"/> has run (or fitted head statistics were loaded with the weights).</summary>
    public bool HasHeadStatistics
    {
        get
        {
            if (!HasHeadStatisticsBuffer) return false;
            using var s = Buffer(HeadStatsBuffer)[0];
            return s.item<float>() > 0.5f;
        }
    }

    /// <summary>
    /// Fits the mean and spread of the trained head's score (as a logit) on normal images seen without augmentation,
    /// for the combined kinds.
    /// </summary>
    /// <param name="batches">Normal images [B, C, S, S] in [0, 1]; at most <see cref="MaxLatentFitImages"/> are used.</param>
    /// <exception cref="InvalidOperationException">The model has no trained head or no room for the statistics.</exception>
    /// <exception cref="ArgumentException">Fewer than two images.</exception>
    public void FitHeadStatistics(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (!HasFittedHead || !HasHeadStatisticsBuffer) throw new InvalidOperationException("head statistics need a trained head built with room for them");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        eval();
        var logits = new List<Tensor>();
        long count = 0;
        foreach (var images in batches)
        {
            if (count >= MaxLatentFitImages) break;
            (Tensor mu, _) = EncodeCore(images);
            logits.Add(HeadLogit(SmoothedMax(HeadMap(images, Decode(mu)))).to(ScalarType.Float64).cpu());
            count += images.shape[0];
        }
        if (count < 2) throw new ArgumentException($"head statistics need at least two images, got {count}", nameof(batches));
        Tensor all = torch.cat(logits, 0);
        Copy(HeadStatsBuffer, torch.tensor(new[] { 1.0, all.mean().item<double>(), Math.Max(1e-6, all.std().item<double>()) }));
    }

    // The head's score (a probability) as a logit, so that its spread is comparable across images near 0 and near 1.
    private static Tensor HeadLogit(Tensor probability)
    {
        Tensor p = probability.clamp(KeptScalars.Of(1e-6), KeptScalars.Of(1 - 1e-6));
        return (p / (1 - p)).log();
    }

    /// <summary>The anomaly head, when <see cref="VaeOptions.AnomalyHead"/> asked for one.</summary>
    public AnomalyHead? Head { get; }

    /// <summary>Whether the head exists and has been trained (<see cref="MarkHeadFitted"/>), here or in the loaded weights.</summary>
    public bool HasFittedHead
    {
        get
        {
            if (Head is null) return false;
            using var s = Buffer(HeadFittedBuffer)[0];
            return s.item<float>() > 0.5f;
        }
    }

    /// <summary>Records that the head has been trained, so a saved model scores with it.</summary>
    /// <exception cref="InvalidOperationException">The model has no head.</exception>
    public void MarkHeadFitted()
    {
        if (Head is null) throw new InvalidOperationException("this VAE was built without an anomaly head");
        using var one = torch.ones(1);
        Copy(HeadFittedBuffer, one);
    }

    private const string LatentMeanBuffer = "latent_mean", LatentPrecisionBuffer = "latent_precision", ScoreStatsBuffer = "score_stats";
    private const string LatentBankBuffer = "latent_bank", NeighbourStatsBuffer = "neighbour_stats";

    /// <summary>
    /// How many nearest codes <see cref="VaeScoreKind.LatentNeighbours"/> averages over (fewer when the bank holds
    /// fewer). On one-class Fashion-MNIST 10, 20 and 50 ranked within 0.001 of each other, 1 and 5 clearly worse.
    /// </summary>
    public const int NeighbourCount = 20;

    /// <summary>Whether the fitted statistics include the bank of normal codes (<see cref="VaeScoreKind.LatentNeighbours"/>).</summary>
    public bool HasLatentNeighbours
    {
        get
        {
            if (Options.LatentBank == 0) return false;
            using var s = Buffer(NeighbourStatsBuffer)[0];
            return s.item<float>() > 0.5f;
        }
    }

    /// <summary>At most this many images feed <see cref="FitLatentStatistics"/> (statistics of a 512-d code settle long before).</summary>
    public const int MaxLatentFitImages = 20_000;

    /// <summary>Whether <see cref="FitLatentStatistics"/> has run (or fitted statistics were loaded with the weights).</summary>
    public bool HasLatentStatistics
    {
        get { using var s = Buffer(ScoreStatsBuffer)[0]; return s.item<float>() > 0.5f; }
    }

    /// <summary>Whether this model can score by <paramref name="kind"/> now (the latent kinds need fitted statistics).</summary>
    public bool CanScore(VaeScoreKind kind) => kind switch
    {
        VaeScoreKind.LatentMahalanobis or VaeScoreKind.ErrorPlusLatent => HasLatentStatistics,
        VaeScoreKind.LatentNeighbours => HasLatentNeighbours,
        VaeScoreKind.LearnedAnomalyMap => HasFittedHead,
        VaeScoreKind.LearnedMapOrLatent => HasFittedHead && HasHeadStatistics && HasLatentStatistics,
        _ => true,
    };

    /// <summary>
    /// The score kind actually used: <see cref="VaeOptions.Score"/>, except that kinds needing latent statistics or
    /// the trained head fall back to <see cref="VaeScoreKind.ErrorPlusKl"/> until then (e.g. for validation during training).
    /// </summary>
    public VaeScoreKind EffectiveScore => CanScore(Options.Score) ? Options.Score : VaeScoreKind.ErrorPlusKl;

    /// <summary>
    /// Fits what <see cref="VaeScoreKind.LatentMahalanobis"/> and <see cref="VaeScoreKind.ErrorPlusLatent"/> need
    /// from normal images (no augmentation): the mean and shrunk covariance of their posterior means, and the mean and
    /// spread of their log error and log distance. Shrinkage adds <paramref name="shrinkage"/> × the mean variance to
    /// the diagonal, because a 512-d covariance from a few thousand images is near-singular. A model with a bank
    /// (<see cref="VaeOptions.LatentBank"/>) also keeps evenly spaced codes of these images and the mean and spread of
    /// their log neighbour distance, each code's own entry left out (a new normal image is never in the bank).
    /// </summary>
    /// <param name="batches">Normal images [B, C, S, S] in [0, 1]; at most <see cref="MaxLatentFitImages"/> are used.</param>
    /// <param name="shrinkage">Diagonal loading relative to the mean variance (0.1 ranked Fashion-MNIST anomalies best; docs/models.md).</param>
    /// <exception cref="ArgumentException">Fewer than two images.</exception>
    public void FitLatentStatistics(IEnumerable<Tensor> batches, double shrinkage = 0.1)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (!(shrinkage > 0)) throw new ArgumentOutOfRangeException(nameof(shrinkage), shrinkage, "must be positive");
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        eval();
        var codes = new List<Tensor>();
        var errors = new List<Tensor>();
        long count = 0;
        foreach (var images in batches)
        {
            if (count >= MaxLatentFitImages) break;
            (Tensor mu, _) = EncodeCore(images);
            codes.Add(mu.to(ScalarType.Float64).cpu());
            errors.Add(ErrorMapOf(images, Decode(mu)).flatten(1).mean([1]).to(ScalarType.Float64).cpu());
            count += images.shape[0];
        }
        if (count < 2) throw new ArgumentException($"latent statistics need at least two images, got {count}", nameof(batches));
        Tensor x = torch.cat(codes, 0);
        Tensor mean = x.mean([0]);
        Tensor centered = x - mean;
        Tensor covariance = centered.t().mm(centered) / (double)x.shape[0];
        double scale = Math.Max(covariance.diagonal().mean().item<double>(), 1e-12);
        Tensor precision = torch.linalg.inv(covariance + torch.eye(x.shape[1], dtype: ScalarType.Float64) * (shrinkage * scale));
        Tensor logError = torch.cat(errors, 0).clamp_min(KeptScalars.Of(1e-12)).log();
        Tensor logDistance = (centered.mm(precision) * centered).sum(1).clamp_min(KeptScalars.Of(1e-12)).log();
        Tensor stats = torch.tensor(new[] { 1.0, logError.mean().item<double>(), Math.Max(1e-6, logError.std().item<double>()),
            logDistance.mean().item<double>(), Math.Max(1e-6, logDistance.std().item<double>()) });
        Copy(LatentMeanBuffer, mean);
        Copy(LatentPrecisionBuffer, precision);
        Copy(ScoreStatsBuffer, stats);
        if (Options.LatentBank > 0) FitNeighbours(x);
    }

    // Fills the bank with every step-th code and standardises the leave-one-out log neighbour distance of all codes.
    private void FitNeighbours(Tensor codes)
    {
        long n = codes.shape[0], step = (n + Options.LatentBank - 1) / Options.LatentBank;
        long[] members = Enumerable.Range(0, (int)((n + step - 1) / step)).Select(i => i * step).ToArray();
        Tensor bank = codes.index_select(0, torch.tensor(members));
        int count = members.Length, k = Math.Min(NeighbourCount, count - 1);
        Buffer(NeighbourStatsBuffer).zero_(); // a refit replaces an earlier bank, or leaves none
        if (k < 1) return; // a bank of one code has no neighbours to compare with
        var logDistances = new double[n];
        for (long start = 0; start < n; start += 1024)
        {
            long length = Math.Min(1024, n - start);
            // k + 1 nearest: a code in the bank finds itself first (distance 0) and skips it; any other skips the last.
            double[] nearest = torch.cdist(codes.narrow(0, start, length), bank).topk(k + 1, largest: false).values.data<double>().ToArray();
            for (long r = 0; r < length; r++)
            {
                int skip = (start + r) % step == 0 ? 0 : k;
                double sum = 0;
                for (int c = 0; c <= k; c++) if (c != skip) sum += nearest[r * (k + 1) + c];
                logDistances[start + r] = Math.Log(Math.Max(sum / k, 1e-12));
            }
        }
        double mean = logDistances.Average(), spread = Math.Sqrt(logDistances.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
        Buffer(LatentBankBuffer).zero_();
        using (var target = Buffer(LatentBankBuffer).narrow(0, 0, count)) target.copy_(bank.to(ScalarType.Float32));
        Copy(NeighbourStatsBuffer, torch.tensor(new[] { 1.0, count, k, mean, Math.Max(1e-6, spread) }));
    }

    private static Tensor MeanNearest(Tensor distances, int k) => distances.topk(k, largest: false).values.mean([1]);

    // Mean distance of codes [B, L] to their nearest codes in the bank.
    private Tensor NeighbourDistance(Tensor mu)
    {
        var stats = NeighbourStats();
        Tensor bank = Buffer(LatentBankBuffer).narrow(0, 0, (long)stats[1]);
        return MeanNearest(torch.cdist(mu, bank.to(mu.dtype)), (int)stats[2]);
    }

    private double[] NeighbourStats() => Buffer(NeighbourStatsBuffer).to(ScalarType.Float64).cpu().data<double>().ToArray();

    private Tensor Buffer(string name) => named_buffers().First(b => b.name == name).buffer;

    private void Copy(string name, Tensor value)
    {
        Tensor target = Buffer(name);
        target.copy_(value.to(target.dtype).to(target.device));
    }

    // Mahalanobis distance of codes [B, L] to the fitted normal codes.
    private Tensor LatentDistance(Tensor mu)
    {
        Tensor d = mu - Buffer(LatentMeanBuffer);
        return (d.mm(Buffer(LatentPrecisionBuffer)) * d).sum(1);
    }

    /// <summary>The options it was built with (the score kind as <see cref="UseScore"/> last set it).</summary>
    public VaeOptions Options { get; private set; }

    /// <summary>Scores by <paramref name="kind"/> from now on (a trained model choosing among its kinds); recorded in its package.</summary>
    /// <exception cref="InvalidOperationException">The model cannot compute that kind (no head, or statistics not fitted).</exception>
    public void UseScore(VaeScoreKind kind)
    {
        if (!CanScore(kind)) throw new InvalidOperationException($"this VAE cannot score by {kind} yet");
        Options = Options with { Score = kind };
    }

    /// <summary>Stages, bottleneck and padding for <see cref="VaeOptions.ImageSize"/>.</summary>
    public VaeGeometry Geometry { get; }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>(Reconstruction [B, C, S, S] in [0, 1], μ [B, latent], log σ² [B, latent]) for images [B, C, S, S] in [0, 1].</summary>
    public override (Tensor Reconstruction, Tensor Mu, Tensor LogVar) forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        (Tensor mu, Tensor logVar) = EncodeCore(images);
        Tensor z = training ? mu + torch.randn_like(mu) * torch.exp(0.5 * logVar) : mu;
        Tensor reconstruction = Decode(z);
        return (reconstruction.MoveToOuterDisposeScope(), mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>μ and log σ² [B, latent] of the posterior for images [B, C, S, S].</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        (Tensor mu, Tensor logVar) = EncodeCore(images);
        return (mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }

    /// <summary>Images [B, C, S, S] in [0, 1] for codes [B, latent].</summary>
    public Tensor Decode(Tensor z)
    {
        using var scope = NewDisposeScope();
        int side = Geometry.BottleneckSide;
        Tensor start = nn.functional.silu(_decoderInput.forward(z).view(-1, _bottleneckChannels, side, side));
        Tensor padded = _decoder.forward(start).narrow(1, 0, Options.Channels);
        // Crop the padding away: only the original pixels are ever compared.
        Tensor cropped = padded.narrow(2, Geometry.PadBefore, Geometry.ImageSize).narrow(3, Geometry.PadBefore, Geometry.ImageSize);
        return cropped.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The training loss. Reconstruction is the squared error summed over pixels — a Gaussian log-likelihood at fixed
    /// variance, suited to grey-level images (binary cross-entropy assumes binary pixels and is not 0 at a perfect
    /// reconstruction) — and KL is summed over the latent dimensions; both are averaged over the batch.
    /// </summary>
    /// <param name="images">The inputs [B, C, S, S].</param>
    /// <param name="reconstruction">The decoder's output for them.</param>
    /// <param name="mu">Posterior means.</param>
    /// <param name="logVar">Posterior log variances.</param>
    /// <param name="beta">KL weight (see <see cref="BetaWarmup"/>).</param>
    public static VaeLoss Loss(Tensor images, Tensor reconstruction, Tensor mu, Tensor logVar, double beta)
    {
        using var scope = NewDisposeScope();
        Tensor recon = (reconstruction - images).square().flatten(1).sum(1).mean();
        Tensor kl = KlPerImage(mu, logVar).mean();
        Tensor total = recon + beta * kl;
        return new VaeLoss(total.MoveToOuterDisposeScope(), recon.MoveToOuterDisposeScope(), kl.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Per-pixel squared error of the reconstruction from μ, averaged over channels: [B, 1, S, S]. Computed without
    /// gradients; call <c>eval()</c> first only for consistency — the map is the same in either mode.
    /// </summary>
    public Tensor ErrorMap(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        (Tensor mu, _) = EncodeCore(images);
        return ErrorMapOf(images, Decode(mu)).MoveToOuterDisposeScope();
    }

    /// <summary>The reconstruction [B, C, S, S] decoded from μ, without gradients (what every score compares against).</summary>
    public Tensor Reconstruct(Tensor images)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        (Tensor mu, _) = EncodeCore(images);
        return Decode(mu).MoveToOuterDisposeScope();
    }

    /// <summary>One anomaly score per image [B], by <see cref="EffectiveScore"/>; higher means more anomalous.</summary>
    public Tensor ReconstructionError(Tensor images) => ReconstructionError(images, EffectiveScore);

    /// <summary>One anomaly score per image [B] by the given kind (e.g. to compare kinds on validation data).</summary>
    public Tensor ReconstructionError(Tensor images, VaeScoreKind kind)
    {
        (Tensor scores, Tensor maps) = Score(images, kind);
        maps.Dispose();
        return scores;
    }

    /// <summary>Scores [B] by <see cref="EffectiveScore"/> and error maps [B, 1, S, S] from one pass (for detection).</summary>
    public (Tensor Scores, Tensor ErrorMaps) Score(Tensor images) => Score(images, EffectiveScore);

    /// <summary>Scores [B] by <paramref name="kind"/> and the maps [B, 1, S, S] that kind reads, from one pass.</summary>
    /// <exception cref="InvalidOperationException">The kind needs fitted statistics or a trained head that the model lacks.</exception>
    public (Tensor Scores, Tensor ErrorMaps) Score(Tensor images, VaeScoreKind kind)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        (Tensor mu, Tensor logVar) = EncodeCore(images);
        Tensor reconstruction = Decode(mu);
        Tensor map = kind switch
        {
            // The map a user sees is the one the score reads, so it points at what raised the score.
            VaeScoreKind.StructuralError => StructuralErrorMap(images, reconstruction),
            VaeScoreKind.LearnedAnomalyMap or VaeScoreKind.LearnedMapOrLatent => RequireHead().HeadMap(images, reconstruction),
            _ => ErrorMapOf(images, reconstruction),
        };
        Tensor score = kind switch
        {
            VaeScoreKind.MeanSquaredError => map.flatten(1).mean([1]),
            VaeScoreKind.SmoothedMaxError or VaeScoreKind.StructuralError or VaeScoreKind.LearnedAnomalyMap => SmoothedMax(map),
            VaeScoreKind.ErrorPlusKl => map.flatten(1).mean([1]) + KlPerImage(mu, logVar) / (double)(images.numel() / images.shape[0]),
            VaeScoreKind.LatentMahalanobis => RequireLatentStatistics(kind).LatentDistance(mu),
            VaeScoreKind.LatentNeighbours => HasLatentNeighbours ? NeighbourDistance(mu)
                : throw new InvalidOperationException($"the {kind} score needs a bank of normal codes; build the model with one and call FitLatentStatistics"),
            VaeScoreKind.ErrorPlusLatent => RequireLatentStatistics(kind).Standardised(map.flatten(1).mean([1]), mu),
            VaeScoreKind.LearnedMapOrLatent => torch.maximum(RequireCombined(kind).StandardisedHead(map),
                Standardised(ErrorMapOf(images, reconstruction).flatten(1).mean([1]), mu) / Math.Sqrt(HasLatentNeighbours ? 3 : 2)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return (score.MoveToOuterDisposeScope(), map.MoveToOuterDisposeScope());
    }

    /// <summary>The score of a map [B, 1, S, S]: its maximum after Gaussian smoothing, per image [B] (differentiable).</summary>
    internal Tensor SmoothedMax(Tensor map) => GaussianBlur.Apply(map, Options.ResolvedSmoothingSigma).flatten(1).amax([1]);

    private VaeModel RequireHead() => HasFittedHead ? this
        : throw new InvalidOperationException($"the {VaeScoreKind.LearnedAnomalyMap} score needs a trained anomaly head");

    // Anomaly probability per pixel [B, 1, S, S] from the head.
    private Tensor HeadMap(Tensor images, Tensor reconstruction)
    {
        Head!.eval();
        return torch.sigmoid(Head.forward(images, reconstruction));
    }

    // SSIM constants for images in [0, 1] (0.01² and 0.03²) and its usual Gaussian window.
    private const double SsimC1 = 1e-4, SsimC2 = 9e-4, SsimSigma = 1.5;

    /// <summary>(1 − SSIM) / 2 per pixel [B, 1, S, S] in [0, 1], averaged over channels.</summary>
    internal static Tensor StructuralErrorMap(Tensor images, Tensor reconstruction)
    {
        long b = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        Tensor x = images.reshape(b * c, 1, h, w), y = reconstruction.reshape(b * c, 1, h, w);
        Tensor Blur(Tensor t) => GaussianBlur.Apply(t, SsimSigma);
        Tensor mx = Blur(x), my = Blur(y);
        Tensor vx = Blur(x * x) - mx * mx, vy = Blur(y * y) - my * my, cxy = Blur(x * y) - mx * my;
        Tensor ssim = (2 * mx * my + SsimC1) * (2 * cxy + SsimC2) / ((mx * mx + my * my + SsimC1) * (vx + vy + SsimC2));
        return ((1 - ssim) / 2).clamp(KeptScalars.Of(0), KeptScalars.Of(1)).reshape(b, c, h, w).mean([1], keepdim: true);
    }

    private VaeModel RequireCombined(VaeScoreKind kind) => CanScore(kind) ? this
        : throw new InvalidOperationException($"the {kind} score needs a trained head and fitted latent and head statistics");

    // z of the head score's logit, with the training normals' mean and spread.
    private Tensor StandardisedHead(Tensor headMap)
    {
        var stats = Buffer(HeadStatsBuffer).to(ScalarType.Float64).cpu().data<double>().ToArray();
        return (HeadLogit(SmoothedMax(headMap)) - stats[1]) / stats[2];
    }

    private VaeModel RequireLatentStatistics(VaeScoreKind kind) => HasLatentStatistics ? this
        : throw new InvalidOperationException($"the {kind} score needs latent statistics; call FitLatentStatistics on normal images first");

    // z(log error) + z(log Mahalanobis distance) [+ z(log neighbour distance)], with the training normals' mean and spread.
    private Tensor Standardised(Tensor error, Tensor mu)
    {
        var stats = Buffer(ScoreStatsBuffer).to(ScalarType.Float64).cpu().data<double>().ToArray();
        Tensor sum = Z(error, stats[1], stats[2]) + Z(LatentDistance(mu), stats[3], stats[4]);
        if (!HasLatentNeighbours) return sum;
        var neighbours = NeighbourStats();
        return sum + Z(NeighbourDistance(mu), neighbours[3], neighbours[4]);
    }

    private static Tensor Z(Tensor value, double logMean, double logSpread) => (value.clamp_min(KeptScalars.Of(1e-12)).log() - logMean) / logSpread;

    private (Tensor Mu, Tensor LogVar) EncodeCore(Tensor images)
    {
        int size = Options.ImageSize;
        if (images.dim() != 4 || images.shape[1] != Options.Channels || images.shape[2] != size || images.shape[3] != size)
            throw new ArgumentException($"expected images [B, {Options.Channels}, {size}, {size}], got [{string.Join(", ", images.shape)}]", nameof(images));
        Tensor input = Geometry.PadBefore + Geometry.PadAfter == 0 ? images
            : nn.functional.pad(images, [Geometry.PadBefore, Geometry.PadAfter, Geometry.PadBefore, Geometry.PadAfter]);
        Tensor features = _encoder.forward(input).flatten(1);
        return (_mu.forward(features), _logVar.forward(features).clamp(KeptScalars.Of(MinLogVar), KeptScalars.Of(MaxLogVar)));
    }

    private static Tensor ErrorMapOf(Tensor images, Tensor reconstruction) =>
        (reconstruction - images).square().mean([1], keepdim: true);

    internal static Tensor KlPerImage(Tensor mu, Tensor logVar) =>
        -0.5 * (1 + logVar - mu.square() - logVar.exp()).sum(1);

    private static Sequential Stage(nn.Module<Tensor, Tensor> convolution, int channels)
    {
        GroupNorm norm = nn.GroupNorm(GroupCount(channels), channels);
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised (seen: NaN and garbage); set PyTorch's values.
        using (torch.no_grad())
        {
            nn.init.ones_(norm.weight);
            nn.init.zeros_(norm.bias);
        }
        return nn.Sequential(("0", convolution), ("1", norm), ("2", nn.SiLU()));
    }

    /// <summary>
    /// Output channels of the decoder's last convolution: the image's channels, padded to at least 16, the extra ones
    /// computed and dropped. On AVX-512 CPUs the libtorch build used here (TorchSharp-cpu 0.107) returns wrong input
    /// gradients — wrong values or NaN, varying from call to call — for a regular 3×3 convolution with fewer than 16
    /// output channels (1, 2, 3, 4 and 8 measured; 16 and more, depthwise and 1×1 convolutions are exact), which
    /// corrupted every decoder gradient. <c>VaeTests</c> checks the gradients against a float64 copy.
    /// </summary>
    internal static int OutputConvChannels(int channels) => Math.Max(channels, 16);

    /// <summary>Up to 8 groups (as many as divide the channels): per-group statistics without tiny groups.</summary>
    private static int GroupCount(int channels)
    {
        for (int g = Math.Min(8, channels); g > 1; g--)
            if (channels % g == 0) return g;
        return 1;
    }
}
