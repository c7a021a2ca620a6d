using Vigil.ML.Compute;
using Vigil.ML.Inference;
using Vigil.Serving;
using Vigil.Serving.Repository;

namespace Vigil.Cli.Infrastructure;

/// <summary><c>vigil serve --models</c>: the inference feature with the verb's device, threads and limits.</summary>
internal static class InferenceServing
{
    /// <summary>The feature for <paramref name="folder"/>; the models load when the server starts.</summary>
    /// <exception cref="Core.UserInputException">The folder does not exist.</exception>
    public static InferenceFeature Create(string folder, int grpcPort, int maxRequestMb, string? device, int? threads)
    {
        if (!Directory.Exists(folder)) throw new Core.UserInputException($"--models {folder}: no such folder (it holds one folder per model: <name>/model.vigil or <name>/<version>/model.vigil).");
        var compute = ComputeResolver.Resolve(device, threads);
        return new InferenceFeature(new ServingOptions
        {
            ModelsFolder = folder,
            GrpcPort = grpcPort,
            MaxRequestBytes = (long)maxRequestMb << 20,
            Repository = new RepositoryOptions { Load = path => ServedDetector.Load(path, compute.Device) },
        });
    }

    /// <summary>Tells the user on stderr where inference is served and which models are ready.</summary>
    public static void Describe(InferenceFeature inference, Uri url)
    {
        Console.Error.WriteLine($"vigil serve: inference REST on {url}v2, gRPC on {inference.GrpcUrl} (Open Inference Protocol); models in {inference.Repository.Root}:");
        foreach (ServedModel model in inference.Repository.Models.Values)
            Console.Error.WriteLine(model.Ready
                ? $"  {model.Name}: ready (versions {string.Join(", ", model.Versions.Keys)}; default {model.Default!.Version})"
                : $"  {model.Name}: NOT READY — {(model.Default is { } d ? ModelRepository.NotReady(d) : model.Error)}");
        if (inference.Repository.Models.IsEmpty) Console.Error.WriteLine("  (none yet: model folders added later load on their own)");
    }
}
