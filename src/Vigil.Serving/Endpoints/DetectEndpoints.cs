using System.Globalization;
using System.Text.Json;
using Vigil.ML.Inference;
using Vigil.Serving.Protocol;
using Vigil.Serving.Repository;

namespace Vigil.Serving.Endpoints;

/// <summary>
/// <c>POST /api/detect</c>, for people with curl: multipart image files (<c>-F file=@scan.png</c>) in, the JSON of
/// <c>vigil detect --format json</c> out (one row per image; an unreadable file is a row with its error). Query:
/// <c>model</c> (needed when the repository holds several), <c>version</c>, <c>threshold</c>.
/// </summary>
public static class DetectEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapDetectEndpoints(this IEndpointRouteBuilder routes, ServingOptions options)
    {
        routes.MapPost("/api/detect", (HttpContext context, InferenceService service) => DetectAsync(context, service, options))
            .WithTags("inference").DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> DetectAsync(HttpContext context, InferenceService service, ServingOptions options)
    {
        ModelRepository repository = service.Repository;
        try
        {
            RequestBodies.Limit(context, options.MaxRequestBytes);
            if (!context.Request.HasFormContentType)
                throw InferenceException.Invalid("send the images as multipart form files, e.g. curl -F file=@scan.png http://HOST:PORT/api/detect");
            string? name = context.Request.Query["model"].FirstOrDefault();
            if (string.IsNullOrEmpty(name))
            {
                if (repository.Models.Count != 1)
                    throw InferenceException.Invalid($"name the model with ?model=NAME (models: {(repository.Models.IsEmpty ? "none" : string.Join(", ", repository.Models.Keys))})");
                name = repository.Models.Keys.First();
            }
            double? threshold = null;
            if (context.Request.Query["threshold"].FirstOrDefault() is { } text)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !(t is >= 0 and <= 1))
                    throw InferenceException.Invalid($"threshold={text} is not a number in [0, 1]");
                threshold = t;
            }
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = options.MaxRequestBytes }, context.RequestAborted);
            }
            catch (InvalidDataException e)
            {
                throw e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? RequestBodies.TooLarge(options.MaxRequestBytes) : InferenceException.Invalid($"the form could not be read: {e.Message}");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw RequestBodies.TooLarge(options.MaxRequestBytes);
            }
            if (form.Files.Count == 0) throw InferenceException.Invalid("the form holds no files; send images with -F file=@scan.png");
            string key = Guid.NewGuid().ToString("N")[..8];
            var inputs = new List<DetectorInput>();
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < form.Files.Count; i++)
            {
                IFormFile file = form.Files[i];
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, context.RequestAborted);
                string fileName = string.IsNullOrWhiteSpace(file.FileName) ? $"image-{i}" : Path.GetFileName(file.FileName.Replace('\\', '/'));
                string internalName = $"{key}-{i}/{fileName}";
                names[internalName] = fileName;
                inputs.Add(DetectorInput.Encoded(internalName, buffer.ToArray()));
            }

            string? version = context.Request.Query["version"].FirstOrDefault();
            bool routedModel = repository.Find(name, version) is { Ready: true } served && served.Detector.Repository is not null;
            IReadOnlyList<DetectionOutcome> outcomes = await service.DetectAsync(name, version, inputs, threshold, context.RequestAborted);
            var renamed = outcomes.Select(o =>
            {
                string shown = names.GetValueOrDefault(o.Path, o.Path);
                return o with { Path = shown, Error = o.Error?.Replace(o.Path, shown, StringComparison.Ordinal) };
            }).ToList();
            // A multi-organ repository answers as `vigil detect --repository` does: routed rows, then the unroutable apart.
            if (routedModel)
            {
                var (routed, unroutable) = ML.Inference.Routing.RoutedDetectRow.Split(renamed.Select(ML.Inference.Routing.RoutedDetectRow.From));
                return Results.Json(new { routed, unroutable }, Core.Json.VigilJson.Options);
            }
            return Results.Json(renamed.Select(DetectRow.From).ToList(), Core.Json.VigilJson.Options);
        }
        catch (InferenceException e)
        {
            return InferenceEndpoints.Error(e);
        }
    }
}
