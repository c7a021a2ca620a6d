using System.Globalization;
using Vigil.Imaging;
using Vigil.ML.Inference;
using Vigil.Serving.Batching;
using Vigil.Serving.Protocol;
using Vigil.Serving.Repository;

namespace Vigil.Serving;

/// <summary>
/// The inference service behind both transports: server and model metadata, readiness, and inference on Vigil's
/// tensors. Inputs: <c>image</c> BYTES [-1] (each element an encoded file; a volume needs the <c>slice</c> parameter) or
/// <c>pixels</c> UINT8/FP32 [-1, C, H, W]. Outputs: <c>anomaly_score</c> FP32 [-1], <c>is_anomaly</c> BOOL [-1],
/// <c>predicted_class</c> BYTES [-1] and <c>class_probabilities</c> FP32 [-1, K] (models with a classifier), and
/// <c>error_map</c> BYTES [-1] (PNG; models with a VAE, only when asked for). Request parameters: <c>threshold</c>, and
/// Triton's <c>timeout</c> (microseconds a request may wait in the queue).
/// </summary>
public sealed class InferenceService
{
    /// <summary>The server's name in its metadata.</summary>
    public const string ServerName = "vigil";

    /// <summary>The platform models report.</summary>
    public const string Platform = "vigil";

    /// <summary>The protocol extensions served.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data"];

    private const string ImageInput = "image", PixelsInput = "pixels";
    private const string ScoreOutput = "anomaly_score", AnomalyOutput = "is_anomaly", ClassOutput = "predicted_class", ProbabilitiesOutput = "class_probabilities", MapOutput = "error_map";
    private const string RouteOutput = "route", RouteConfidenceOutput = "route_confidence", UnroutableOutput = "unroutable";

    /// <summary>The <c>route</c> of an image a repository's router sent nowhere (its <c>unroutable</c> output says why).</summary>
    public const string UnroutableRoute = "unroutable";

    private readonly ModelRepository _repository;
    private readonly Metrics.ServingMetrics _metrics;
    private readonly ILogger _log;

    /// <summary>A service over <paramref name="repository"/>.</summary>
    public InferenceService(ModelRepository repository, Metrics.ServingMetrics metrics, ILogger? log = null)
    {
        _repository = repository;
        _metrics = metrics;
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The repository served.</summary>
    public ModelRepository Repository => _repository;

    /// <summary>The server's version in its metadata.</summary>
    public static string ServerVersion => Core.VigilInfo.Version;

    /// <summary>Whether every model serves (the server's readiness).</summary>
    public bool Ready => _repository.AllReady;

    /// <summary>Whether the model (version) serves; false for a model folder without any version.</summary>
    /// <exception cref="InferenceException">No such model or version.</exception>
    public bool ModelReady(string name, string? version)
    {
        try
        {
            return _repository.Find(name, version).Ready;
        }
        catch (InferenceException e) when (e.Failure == InferenceFailure.Unavailable)
        {
            return false;
        }
    }

    /// <summary>The model's metadata (its default version's tensors, or the version's).</summary>
    /// <exception cref="InferenceException">No such model or version, or it is not loaded.</exception>
    public ModelMetadata Metadata(string name, string? version)
    {
        ServedVersion served = _repository.Find(name, version);
        if (!served.Ready) throw new InferenceException(InferenceFailure.Unavailable, ModelRepository.NotReady(served));
        ServedDetector detector = served.Detector;
        var inputs = new List<TensorMetadata>
        {
            new(ImageInput, Datatypes.Bytes, [-1]),
            new(PixelsInput, Datatypes.Fp32, [-1, detector.Channels, -1, -1]),
        };
        var outputs = Available(detector).Select(name => name switch
        {
            ScoreOutput or RouteConfidenceOutput => new TensorMetadata(name, Datatypes.Fp32, [-1]),
            AnomalyOutput => new TensorMetadata(name, Datatypes.Bool, [-1]),
            ProbabilitiesOutput => new TensorMetadata(name, Datatypes.Fp32, [-1, detector.Classes.Count]),
            _ => new TensorMetadata(name, Datatypes.Bytes, [-1]),
        }).ToList();
        var properties = new Dictionary<string, string>
        {
            ["threshold"] = detector.Threshold is { } t ? t.ToString("R", CultureInfo.InvariantCulture) : "per route",
            ["threshold_method"] = detector.ThresholdMethod,
            ["image_size"] = detector.ImageSize.ToString(CultureInfo.InvariantCulture),
            ["channels"] = detector.Channels.ToString(CultureInfo.InvariantCulture),
            ["classes"] = string.Join(",", detector.Classes),
            ["max_batch_size"] = served.Batching.MaxBatchSize.ToString(CultureInfo.InvariantCulture),
            ["max_queue_delay_microseconds"] = ((long)served.Batching.MaxQueueDelay.TotalMicroseconds).ToString(CultureInfo.InvariantCulture),
            ["max_queue_size"] = served.Batching.MaxQueueSize.ToString(CultureInfo.InvariantCulture),
        };
        if (detector.Repository is { } repository) properties["routes"] = string.Join(",", repository.Router.Routes);
        var model = _repository.Models[name];
        return new ModelMetadata(name, model.Versions.Keys.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToList(), Platform, inputs, outputs, properties);
    }

    /// <summary>Runs <paramref name="request"/> on the model (version) through its batcher.</summary>
    /// <exception cref="InferenceException">The request is wrong, the model unknown or not ready, or its queue full.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="token"/> was cancelled (the request left its batch).</exception>
    public Task<InferResponse> InferAsync(string name, string? version, InferRequest request, CancellationToken token) =>
        RunAsync(name, version, "infer", async served =>
        {
            ServedDetector detector = served.Detector;
            double? threshold = Threshold(request.Parameters);
            var outputs = Outputs(request, served);
            List<DetectorInput> inputs = Inputs(request);
            IReadOnlyList<DetectionOutcome> all = await EnqueueAsync(served, new BatchJob(inputs, outputs.Any(o => o.Name == MapOutput)), Timeout(request.Parameters), token);
            List<DetectionOutcome> outcomes = Select(request, inputs, all);
            var response = new InferResponse
            {
                ModelName = served.Model, ModelVersion = served.Version, Id = request.Id,
                Outputs = outputs.Select(o => Output(o, outcomes, threshold, detector)).ToList(),
            };
            return (response, outcomes.Count);
        });

    /// <summary>
    /// Detects on <paramref name="inputs"/> through the model's batcher, as <c>vigil detect</c> does: one outcome per image
    /// (several for a volume), an unreadable input an outcome with its error; <c>IsAnomaly</c> decided by
    /// <paramref name="threshold"/> (the package's when null).
    /// </summary>
    /// <exception cref="InferenceException">The model is unknown or not ready, or its queue full.</exception>
    public Task<IReadOnlyList<DetectionOutcome>> DetectAsync(string name, string? version, IReadOnlyList<DetectorInput> inputs, double? threshold, CancellationToken token) =>
        RunAsync(name, version, "detect", async served =>
        {
            IReadOnlyList<DetectionOutcome> outcomes = await EnqueueAsync(served, new BatchJob(inputs, false), null, token);
            IReadOnlyList<DetectionOutcome> decided = outcomes
                .Select(o => o.Error is null && o.AnomalyScore is not null ? o with { IsAnomaly = Decide(o, threshold) } : o).ToList();
            return (decided, decided.Count);
        });

    // Leases the version for the request, counts it, and logs one line at debug level: never pixels, names or ids a
    // client may have built from patient data.
    private async Task<T> RunAsync<T>(string name, string? version, string what, Func<ServedVersion, Task<(T Answer, int Images)>> work)
    {
        ServedVersion served = _repository.Acquire(name, version);
        Metrics.ModelMetrics metrics = _metrics.For(served.Model, served.Version);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        metrics.Requests.Increment();
        try
        {
            (T answer, int images) = await work(served);
            _log.LogDebug("{What} {Model}/{Version}: {Images} image(s), ok, {Ms:F1} ms", what, served.Model, served.Version, images,
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return answer;
        }
        catch (Exception e)
        {
            metrics.Failures.Increment();
            _log.LogDebug("{What} {Model}/{Version}: failed ({Reason}), {Ms:F1} ms", what, served.Model, served.Version,
                e switch { OperationCanceledException => "cancelled", InferenceException refused => refused.Failure.ToString(), _ => "model error" },
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        finally
        {
            served.Release();
        }
    }

    // Queues the job; with a timeout (Triton's "timeout" request parameter), a job still waiting when it expires leaves
    // the queue unrun, as a cancelled one does, and its caller is told so.
    private async Task<IReadOnlyList<DetectionOutcome>> EnqueueAsync(ServedVersion served, BatchJob job, TimeSpan? timeout, CancellationToken token)
    {
        using var expiry = timeout is { } limit ? new CancellationTokenSource(limit, _repository.Time) : null;
        using var either = expiry is null ? null : CancellationTokenSource.CreateLinkedTokenSource(token, expiry.Token);
        try
        {
            return await served.Batcher!.EnqueueAsync(job, Math.Max(1, job.Inputs.Count), either?.Token ?? token);
        }
        catch (OperationCanceledException) when (expiry is { IsCancellationRequested: true } && !token.IsCancellationRequested)
        {
            throw new InferenceException(InferenceFailure.Unavailable,
                $"model '{served.Model}': the request waited longer than its \"timeout\" parameter ({timeout!.Value.TotalMilliseconds:0.###} ms) and was not run", TimeSpan.FromSeconds(1));
        }
        catch (QueueFullException e)
        {
            throw new InferenceException(InferenceFailure.Unavailable, $"model '{served.Model}': {e.Message}", TimeSpan.FromSeconds(1));
        }
        catch (BatcherClosedException e)
        {
            throw new InferenceException(InferenceFailure.Unavailable, e.Message, TimeSpan.FromSeconds(1));
        }
    }

    // Triton's request parameter: microseconds the request may wait for its batch (0 or absent: no limit).
    private static TimeSpan? Timeout(IReadOnlyDictionary<string, object> parameters)
    {
        if (!parameters.TryGetValue("timeout", out object? value)) return null;
        long? micros = value switch { long l => l, ulong u when u <= long.MaxValue => (long)u, double d when d == Math.Floor(d) && d is >= 0 and <= long.MaxValue => (long)d, _ => null };
        if (micros is not { } us || us < 0)
            throw InferenceException.Invalid($"the \"timeout\" parameter must be a whole number of microseconds, 0 or more, not {Describe(value)}");
        return us == 0 ? null : TimeSpan.FromTicks(Math.Min(us, TimeSpan.MaxValue.Ticks / 10) * 10);
    }

    private static double? Threshold(IReadOnlyDictionary<string, object> parameters)
    {
        if (!parameters.TryGetValue("threshold", out object? value)) return null;
        double? t = value switch { double d => d, long l => l, ulong u => u, string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) => p, _ => null };
        if (t is not { } threshold || !(threshold is >= 0 and <= 1))
            throw InferenceException.Invalid($"the \"threshold\" parameter must be a number in [0, 1], not {Describe(value)}");
        return threshold;
    }

    private static List<RequestedOutput> Outputs(InferRequest request, ServedVersion served)
    {
        var available = Available(served.Detector);
        // The error map is costly: only when asked for.
        if (request.Outputs is not { Count: > 0 } asked) return available.Where(n => n != MapOutput).Select(n => new RequestedOutput(n, request.BinaryOutputs)).ToList();
        foreach (RequestedOutput output in asked)
            if (!available.Contains(output.Name))
                throw InferenceException.Invalid($"model '{served.Model}' has no output \"{output.Name}\" (outputs: {string.Join(", ", available)})");
        return asked.DistinctBy(o => o.Name).ToList();
    }

    // The outputs a model has. A repository's images get their route; its models differ in classes, so no probabilities.
    private static List<string> Available(ServedDetector detector)
    {
        var available = new List<string> { ScoreOutput, AnomalyOutput };
        if (detector.HasClassifier) available.Add(ClassOutput);
        if (detector.HasClassifier && detector.Repository is null) available.Add(ProbabilitiesOutput);
        if (detector.Repository is not null) available.AddRange([RouteOutput, RouteConfidenceOutput, UnroutableOutput]);
        if (detector.HasVae) available.Add(MapOutput);
        return available;
    }

    // The call's threshold decides when given (as vigil detect --threshold): score ≥ threshold, or a critical-class
    // rule; otherwise the model's own decision (a repository's: each route's threshold).
    private static bool Decide(DetectionOutcome o, double? threshold) =>
        threshold is { } t ? o.AnomalyScore >= t || o.CriticalClass is not null : o.IsAnomaly == true;

    // The request's images as detector inputs, named "<index>-<name>" so each finds its outcomes again in a shared batch.
    private static List<DetectorInput> Inputs(InferRequest request)
    {
        if (request.Inputs.Count != 1)
            throw InferenceException.Invalid($"a request has one input, \"{ImageInput}\" (BYTES, encoded images) or \"{PixelsInput}\" (UINT8 or FP32 [N, C, H, W]), not {request.Inputs.Count}");
        InputTensor input = request.Inputs[0];
        string batchKey = Guid.NewGuid().ToString("N")[..8];
        if (input.Name == ImageInput)
        {
            if (input.Datatype != Datatypes.Bytes) throw InferenceException.Invalid($"input \"{ImageInput}\" must be BYTES (encoded image files), not {input.Datatype}");
            if (input.Shape.Count != 1) throw InferenceException.Invalid($"input \"{ImageInput}\" has shape [N] (one element per image), not [{string.Join(", ", input.Shape)}]");
            IReadOnlyList<ReadOnlyMemory<byte>> images = input.Bytes!;
            if (input.Shape[0] != images.Count) throw InferenceException.Invalid($"input \"{ImageInput}\" declares shape [{input.Shape[0]}] but holds {images.Count} element(s)");
            if (images.Count == 0) throw InferenceException.Invalid($"input \"{ImageInput}\" holds no image");
            string extension = input.Parameters.TryGetValue("extension", out object? ext) && ext is string e ? "." + e.TrimStart('.') : "";
            return images.Select((bytes, i) => DetectorInput.Encoded($"{batchKey}-{i}{extension}", bytes)).ToList();
        }
        if (input.Name == PixelsInput)
        {
            if (input.Shape.Count != 4 || input.Shape[1] is not (1 or 3) || input.Shape[2] < 1 || input.Shape[3] < 1 || input.Shape[0] < 1)
                throw InferenceException.Invalid($"input \"{PixelsInput}\" has shape [N, C, H, W] with C 1 or 3, not [{string.Join(", ", input.Shape)}]");
            (int n, int c, int h, int w) = ((int)input.Shape[0], (int)input.Shape[1], (int)input.Shape[2], (int)input.Shape[3]);
            long each = (long)c * h * w;
            long count = input.UInt8?.LongLength ?? input.Fp32?.LongLength ?? throw InferenceException.Invalid($"input \"{PixelsInput}\" must be UINT8 (0–255) or FP32 (0–1), not {input.Datatype}");
            if (count != each * n) throw InferenceException.Invalid($"input \"{PixelsInput}\" declares shape [{n}, {c}, {h}, {w}] ({each * n} values) but holds {count}");
            var inputs = new List<DetectorInput>(n);
            for (int i = 0; i < n; i++)
                inputs.Add(input.UInt8 is { } bytes
                    ? DetectorInput.Pixels($"{batchKey}-{i}", bytes.AsSpan((int)(i * each), (int)each).ToArray(), c, h, w)
                    : DetectorInput.Pixels($"{batchKey}-{i}", input.Fp32!.AsSpan((int)(i * each), (int)each).ToArray(), c, h, w));
            return inputs;
        }
        throw InferenceException.Invalid($"there is no input \"{input.Name}\"; the inputs are \"{ImageInput}\" (BYTES) and \"{PixelsInput}\" (UINT8 or FP32 [N, C, H, W])");
    }

    // One outcome per element: an unreadable image fails the request with its reason; a volume gives the slice asked for.
    private static List<DetectionOutcome> Select(InferRequest request, List<DetectorInput> inputs, IReadOnlyList<DetectionOutcome> all)
    {
        InputTensor input = request.Inputs[0];
        object? slice = input.Parameters.GetValueOrDefault("slice");
        var chosen = new List<DetectionOutcome>(inputs.Count);
        for (int i = 0; i < inputs.Count; i++)
        {
            var mine = all.Where(o => o.Path == inputs[i].Name).ToList();
            if (mine.FirstOrDefault(o => o.Error is not null) is { } failed)
                throw InferenceException.Invalid($"image {i} could not be read: {Unnamed(failed.Error!, inputs[i].Name, i)}");
            if (mine.Count == 0) throw InferenceException.Invalid($"image {i} holds no image");
            if (slice is null)
            {
                if (mine.Count > 1)
                    throw InferenceException.Invalid($"image {i} holds {mine.Count} images (a volume or several frames); choose one with the input parameter \"slice\" (its number, e.g. 41 for axial-041, or its name)");
                chosen.Add(mine[0]);
                continue;
            }
            DetectionOutcome? hit = slice switch
            {
                string key => mine.FirstOrDefault(o => o.Image == key),
                long or ulong or double => mine.FirstOrDefault(o => o.Image is { } k && SliceNumber(k) == Convert.ToInt64(slice, CultureInfo.InvariantCulture)),
                _ => null,
            };
            chosen.Add(hit ?? throw InferenceException.Invalid(
                $"image {i} has no slice {Describe(slice)} (it holds {string.Join(", ", mine.Select(o => o.Image ?? "one image").Take(8))}{(mine.Count > 8 ? ", …" : "")})"));
        }
        return chosen;
    }

    // The readers name the (temporary) file they read; the client knows the element by its index.
    private static string Unnamed(string error, string name, int index) =>
        System.Text.RegularExpressions.Regex.Replace(error, @"[^\s'""]*" + System.Text.RegularExpressions.Regex.Escape(name), $"image {index}");

    private static long? SliceNumber(string key)
    {
        int dash = key.LastIndexOf('-');
        return long.TryParse(dash < 0 ? key : key[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
    }

    // An unroutable image (a repository's) has no score: anomaly_score −1, is_anomaly false, empty class and map; its
    // route output says "unroutable" and its unroutable output why.
    private static OutputTensor Output(RequestedOutput output, List<DetectionOutcome> outcomes, double? threshold, ServedDetector detector)
    {
        long n = outcomes.Count;
        static byte[] Text(string? s) => System.Text.Encoding.UTF8.GetBytes(s ?? "");
        return output.Name switch
        {
            ScoreOutput => new OutputTensor { Name = ScoreOutput, Datatype = Datatypes.Fp32, Shape = [n], Fp32 = outcomes.Select(o => (float)(o.AnomalyScore ?? -1)).ToArray(), Binary = output.Binary },
            AnomalyOutput => new OutputTensor
            {
                Name = AnomalyOutput, Datatype = Datatypes.Bool, Shape = [n], Binary = output.Binary,
                Bool = outcomes.Select(o => o.AnomalyScore is not null && Decide(o, threshold)).ToArray(),
            },
            ClassOutput => new OutputTensor { Name = ClassOutput, Datatype = Datatypes.Bytes, Shape = [n], Text = true, Binary = output.Binary, Bytes = outcomes.Select(o => Text(o.PredictedClassName)).ToArray() },
            ProbabilitiesOutput => new OutputTensor
            {
                Name = ProbabilitiesOutput, Datatype = Datatypes.Fp32, Shape = [n, detector.Classes.Count], Binary = output.Binary,
                Fp32 = outcomes.SelectMany(o => o.ClassProbabilities ?? new float[detector.Classes.Count]).ToArray(),
            },
            RouteOutput => new OutputTensor { Name = RouteOutput, Datatype = Datatypes.Bytes, Shape = [n], Text = true, Binary = output.Binary, Bytes = outcomes.Select(o => Text(o.Route ?? UnroutableRoute)).ToArray() },
            RouteConfidenceOutput => new OutputTensor { Name = RouteConfidenceOutput, Datatype = Datatypes.Fp32, Shape = [n], Binary = output.Binary, Fp32 = outcomes.Select(o => (float)(o.RouteConfidence ?? 0)).ToArray() },
            UnroutableOutput => new OutputTensor { Name = UnroutableOutput, Datatype = Datatypes.Bytes, Shape = [n], Text = true, Binary = output.Binary, Bytes = outcomes.Select(o => Text(o.Unroutable)).ToArray() },
            _ => new OutputTensor
            {
                Name = MapOutput, Datatype = Datatypes.Bytes, Shape = [n], Binary = output.Binary,
                Bytes = outcomes.Select(o => o.ErrorMap is { } map ? MapPng(map) : []).ToArray(),
            },
        };
    }

    // The error map as an 8-bit grey PNG, scaled by its own largest value (white = the largest error in the image).
    private static byte[] MapPng(ErrorMap map)
    {
        float max = Math.Max(1e-12f, map.Values.Max());
        byte[] grey = map.Values.Select(v => (byte)Math.Clamp(MathF.Round(v / max * 255f), 0, 255)).ToArray();
        return Imaging.Png.PngEncoder.Encode(new ImageFrame(map.Width, map.Height, 1, 8, grey));
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
