using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigil.Cli.Infrastructure;
using Vigil.Core;
using Vigil.ML.Compute;
using Vigil.ML.Inference;
using Vigil.ML.Inference.Routing;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil repository init|add|check|list</c>: put together a multi-organ repository (a router, a model per route, an
/// optional fallback; <see cref="RepositoryManifest"/>) and verify it. The work is in <see cref="RepositoryFolder"/> and
/// <see cref="RepositoryCheck"/>.
/// </summary>
public static class RepositoryCommand
{
    /// <summary>Creates the verb and its sub-verbs.</summary>
    public static Command Create() => new("repository",
        "Put together a multi-organ model repository: a router (vigil train --phase router) that sends each image to the model of its " +
        "region/modality, a model per route, and an optional fallback. 'vigil detect --repository DIR' and 'vigil serve' use it.")
    {
        Init(), Add(), Check(), List(),
    };

    private static Argument<string> Folder() => new("DIR") { Description = "The repository folder (holds repository.json and a copy of every model)" };

    private static Command Init()
    {
        var folder = Folder();
        var router = new Option<string>("--router") { Description = "The router's model.vigil (from 'vigil train --phase router'); copied into DIR", Required = true, HelpName = "FILE" };
        var fallback = new Option<string?>("--fallback") { Description = "A model for routes without one of their own (e.g. a generalist trained on every dataset); copied into DIR", HelpName = "FILE" };
        var command = new Command("init", "Create a repository in DIR around a router; then add a model per route with 'vigil repository add'") { folder, router, fallback };
        command.SetAction(VigilApp.Guarded("repository init", (parse, _) =>
        {
            string dir = parse.GetValue(folder)!;
            if (RepositoryFolder.IsRepository(dir))
                throw new UserInputException($"{dir} is already a repository; change it with 'vigil repository add {dir} ...', or choose another folder.");
            string routerFile = parse.GetValue(router)!;
            using (Router.Load(routerFile)) { } // refuses anything but a working router, in the user's words
            var manifest = new RepositoryManifest { Router = RepositoryFolder.Import(dir, routerFile, $"{RepositoryFolder.RouterFolder}/model.vigil", null) };
            if (parse.GetValue(fallback) is { } f) manifest = manifest with { Fallback = ImportDetector(dir, f, $"{RepositoryFolder.FallbackFolder}/model.vigil", null) };
            RepositoryFolder.Write(dir, manifest);
            var routes = ModelPackage.ReadManifest(RepositoryFolder.Resolve(dir, manifest.Router!.Model)).Classes;
            Console.WriteLine($"Created repository {dir} with a router for {routes.Count} routes: {string.Join(", ", routes)}.");
            Console.WriteLine($"Next: vigil repository add {dir} --route {routes[0]} --model MODEL.vigil   (one per route), then vigil repository check {dir}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command Add()
    {
        var folder = Folder();
        var route = new Option<string?>("--route") { Description = "The route this model detects for, as the router names it (region/modality, e.g. brain/MRI)", HelpName = "R" };
        var fallback = new Option<bool>("--fallback") { Description = "Add the model as the fallback for routes without one of their own" };
        var model = new Option<string>("--model", "-m") { Description = "The model.vigil to add (copied into DIR; replaces the route's earlier model)", Required = true, HelpName = "FILE" };
        var threshold = new Option<double?>("--threshold") { Description = "Anomaly threshold in [0,1] for this route (default: the one stored in the model)", HelpName = "T" };
        var command = new Command("add", "Add or replace the model of a route (or the fallback) in a repository") { folder, route, fallback, model, threshold };
        command.SetAction(VigilApp.Guarded("repository add", (parse, _) =>
        {
            string dir = parse.GetValue(folder)!;
            string? name = parse.GetValue(route);
            bool isFallback = parse.GetValue(fallback);
            if ((name is null) == !isFallback) throw new UserInputException("give either --route R (one of the router's routes) or --fallback.");
            if (parse.GetValue(threshold) is { } t && t is < 0 or > 1) throw new UserInputException($"--threshold {t} is outside [0,1].");
            var manifest = RepositoryFolder.Read(dir);
            if (name is not null)
            {
                var routes = manifest.Router is { } r ? ModelPackage.ReadManifest(RoutedDetector.Verified(dir, "the router", r)).Classes : [];
                if (!routes.Contains(name))
                    throw new UserInputException($"the router has no route \"{name}\"; its routes are {string.Join(", ", routes)}.");
                var entry = ImportDetector(dir, parse.GetValue(model)!, RepositoryFolder.RoutePackagePath(name), parse.GetValue(threshold));
                manifest = manifest with { Routes = new Dictionary<string, RepositoryEntry>(manifest.Routes) { [name] = entry } };
            }
            else manifest = manifest with { Fallback = ImportDetector(dir, parse.GetValue(model)!, $"{RepositoryFolder.FallbackFolder}/model.vigil", parse.GetValue(threshold)) };
            RepositoryFolder.Write(dir, manifest);
            Console.WriteLine($"Added {parse.GetValue(model)} to {dir} as {(name is null ? "the fallback" : $"the model of route {name}")}.");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command Check()
    {
        var folder = Folder();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var format = CommonOptions.Format();
        var command = new Command("check",
            "Verify a repository: every model is there unchanged and loads, the router is a router, every route of the router has a model or " +
            "the fallback, and where models read images differently. Exit code 1 when something is wrong") { folder, device, threads, format };
        command.SetAction(VigilApp.Guarded("repository check", (parse, _) =>
        {
            var compute = ComputeResolver.Resolve(parse.GetValue(device), parse.GetValue(threads));
            var report = RepositoryCheck.Check(parse.GetValue(folder)!, compute.Device);
            Print(report, parse.GetValue(format), checkedWeights: true);
            return Task.FromResult(report.Ok ? ExitCodes.Ok : ExitCodes.Failure);
        }));
        return command;
    }

    private static Command List()
    {
        var folder = Folder();
        var format = CommonOptions.Format();
        var command = new Command("list", "List a repository's router, routes and models (from their manifests, without loading weights)") { folder, format };
        command.SetAction(VigilApp.Guarded("repository list", (parse, _) =>
        {
            Print(RepositoryCheck.Describe(parse.GetValue(folder)!), parse.GetValue(format), checkedWeights: false);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    // A model in a route or fallback slot must be a working detector; a router or a broken file is refused before it is copied.
    private static RepositoryEntry ImportDetector(string dir, string source, string relative, double? threshold)
    {
        if (File.Exists(source) && ModelPackage.ReadManifest(source).Models.Router is not null)
            throw new UserInputException($"{source} is a router, not an anomaly detector; give a model from 'vigil train --phase all' (or supervised/unsupervised).");
        using (Detector.Load(source, TorchSharp.torch.CPU)) { }
        return RepositoryFolder.Import(dir, source, relative, threshold);
    }

    private static void Print(RepositoryReport report, OutputFormat format, bool checkedWeights)
    {
        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(new
            {
                repository = Path.GetFullPath(report.Folder), ok = report.Ok, router_routes = report.RouterRoutes, updated = report.Manifest.Updated,
                models = report.Models.Select(m => new { role = m.Role, route = m.Route, model = m.Model, channels = m.Channels, image_size = m.ImageSize, threshold = m.Threshold, parts = m.Parts, classes = m.Classes }),
                problems = report.Problems.Select(p => new { where = p.Where, message = p.Message, error = p.IsError }),
            });
            return;
        }
        var table = new Table().AddColumns("role", "route", "model", "holds", "input", "threshold", "classes");
        foreach (var m in report.Models)
            table.AddRow(Markup.Escape(m.Role), Markup.Escape(m.Route ?? ""), Markup.Escape(m.Model), m.Parts, $"{m.Channels}×{m.ImageSize}²",
                m.Threshold is { } t ? t.ToString("F3", CultureInfo.InvariantCulture) : "", Markup.Escape(string.Join(", ", m.Classes)));
        AnsiConsole.Write(table);
        foreach (var p in report.Problems)
            Console.WriteLine($"{(p.IsError ? "ERROR" : "note")}: {p.Where}: {p.Message}");
        if (checkedWeights) Console.WriteLine(report.Ok ? $"{report.Folder}: OK — every model loads and every route is served." : $"{report.Folder}: {report.Problems.Count(p => p.IsError)} problem(s).");
    }
}
