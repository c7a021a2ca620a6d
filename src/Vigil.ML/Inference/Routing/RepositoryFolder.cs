using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Core;
using Vigil.Core.Json;
using Vigil.ML.Persistence;

namespace Vigil.ML.Inference.Routing;

/// <summary>
/// Reads, checks and writes a repository folder's <see cref="RepositoryManifest"/>, and brings model packages into the
/// folder. Models are copied in (atomically, with their SHA-256 recorded) rather than referenced where they lie: the
/// repository is then self-contained, and nothing in it can name a file outside it.
/// </summary>
public static class RepositoryFolder
{
    /// <summary>The folder the router's package is copied to.</summary>
    public const string RouterFolder = "router";

    /// <summary>The folder the fallback's package is copied to.</summary>
    public const string FallbackFolder = "fallback";

    /// <summary>The folder holding one sub-folder per route's package.</summary>
    public const string RoutesFolder = "routes";

    /// <summary>The manifest's path in <paramref name="folder"/>.</summary>
    public static string ManifestPath(string folder) => Path.Combine(folder, RepositoryManifest.FileName);

    /// <summary>Whether <paramref name="folder"/> holds a repository manifest.</summary>
    public static bool IsRepository(string folder) => File.Exists(ManifestPath(folder));

    /// <summary>Reads and validates the manifest of <paramref name="folder"/>.</summary>
    /// <exception cref="UserInputException">No manifest, or it is not valid JSON, of a newer format, or names a file outside the folder.</exception>
    public static RepositoryManifest Read(string folder)
    {
        string path = ManifestPath(folder);
        if (!File.Exists(path))
            throw new UserInputException(Directory.Exists(folder)
                ? $"{folder} is not a model repository (it has no {RepositoryManifest.FileName}); create one with 'vigil repository init {folder} --router ROUTER.vigil'."
                : $"{folder}: no such folder; create a repository with 'vigil repository init {folder} --router ROUTER.vigil'.");
        RepositoryManifest? manifest;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format_version", out var v)
                && v.TryGetInt32(out int format) && format > RepositoryManifest.CurrentFormat)
                throw new UserInputException($"{path} is of format {format}, newer than this Vigil reads ({RepositoryManifest.CurrentFormat}); update Vigil.");
            manifest = doc.RootElement.Deserialize<RepositoryManifest>(VigilJson.Options);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            // The serializer's own wording names .NET types; say where and what instead.
            string what = e.Path is { Length: > 1 } at && e.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? $"the value at {at} has the wrong type or shape" : FirstSentence(e.Message);
            throw new UserInputException($"{path} is not a valid repository manifest{where}: {what}. Fix it, or write it again with 'vigil repository' commands.");
        }
        if (manifest is null) throw new UserInputException($"{path} is empty (\"null\"); write it again with 'vigil repository init'.");
        Validate(manifest, path);
        return manifest with { Routes = new SortedDictionary<string, RepositoryEntry>(manifest.Routes.ToDictionary(), StringComparer.Ordinal) };
    }

    /// <summary>Writes <paramref name="manifest"/> to <paramref name="folder"/> atomically, stamped with the time.</summary>
    public static RepositoryManifest Write(string folder, RepositoryManifest manifest, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var stamped = manifest with
        {
            Updated = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            Routes = new SortedDictionary<string, RepositoryEntry>(manifest.Routes.ToDictionary(), StringComparer.Ordinal),
        };
        Validate(stamped, ManifestPath(folder));
        AtomicFile.Write(ManifestPath(folder), stream => JsonSerializer.Serialize(stream, stamped, VigilJson.Options));
        return stamped;
    }

    /// <summary>
    /// Copies the package <paramref name="source"/> to <paramref name="relative"/> inside <paramref name="folder"/>
    /// (atomically, replacing an earlier one) and returns its entry with the copy's SHA-256.
    /// </summary>
    /// <exception cref="UserInputException">The source file does not exist.</exception>
    public static RepositoryEntry Import(string folder, string source, string relative, double? threshold)
    {
        if (!File.Exists(source)) throw new UserInputException($"{source}: no such model file (a model.vigil written by 'vigil train').");
        string destination = Resolve(folder, relative);
        if (!string.Equals(Path.GetFullPath(source), destination, StringComparison.Ordinal)) AtomicFile.Copy(source, destination);
        return new RepositoryEntry(relative, Sha256Of(destination), threshold);
    }

    /// <summary>Where a route's package goes: <c>routes/&lt;route with '/' and other separators as '-'&gt;/model.vigil</c>.</summary>
    public static string RoutePackagePath(string route) =>
        $"{RoutesFolder}/{new string(route.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('.')}/model.vigil";

    /// <summary>The full path of a manifest path, which must stay inside <paramref name="folder"/>.</summary>
    /// <exception cref="UserInputException">The path is absolute, climbs out with "..", or is empty.</exception>
    public static string Resolve(string folder, string relative)
    {
        if (string.IsNullOrWhiteSpace(relative) || Path.IsPathRooted(relative) || relative.Contains('\\')
            || relative.Split('/').Any(part => part is "" or "." or ".."))
            throw new UserInputException($"\"{relative}\" is not a path inside the repository: give a relative path with '/' separators and no '..' (e.g. routes/brain-MRI/model.vigil).");
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return Path.GetFullPath(Path.Combine(root, relative));
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Validate(RepositoryManifest manifest, string path)
    {
        var problems = new List<string>();
        void Check(string what, RepositoryEntry? entry)
        {
            if (entry is null) return;
            if (string.IsNullOrWhiteSpace(entry.Model)) { problems.Add($"{what} has no \"model\" path"); return; }
            try { _ = Resolve(".", entry.Model); }
            catch (UserInputException e) { problems.Add($"{what}: {e.Message.TrimEnd('.')}"); }
            if (entry.Sha256 is not { Length: 64 } hash || !hash.All(Uri.IsHexDigit)) problems.Add($"{what}: \"sha256\" must be 64 hex digits");
            if (entry.Threshold is { } t && !(t is >= 0 and <= 1)) problems.Add($"{what}: \"threshold\" must be in [0, 1], not {t}");
        }
        if (manifest.FormatVersion < 1) problems.Add($"\"format_version\" must be 1 or more, not {manifest.FormatVersion}");
        Check("the router", manifest.Router);
        Check("the fallback", manifest.Fallback);
        if (manifest.Routes is null) problems.Add("\"routes\" must be an object (route name → model)");
        else
            foreach (var (route, entry) in manifest.Routes)
            {
                if (string.IsNullOrWhiteSpace(route) || route.Any(char.IsControl)) problems.Add($"route name \"{route}\" is empty or holds control characters");
                if (entry is null) problems.Add($"route \"{route}\" has no entry");
                else Check($"route \"{route}\"", entry);
            }
        if (problems.Count > 0) throw new UserInputException($"{path}: {string.Join("; ", problems)}.");
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }
}
