using Vigil.Bench;

// Benchmarks print figures; they are not tests. Usage: ./bench/run.sh [organize-idx|organize-png|train-speed|all]
var which = args.Length > 0 ? args[0] : "all";
var work = Path.Combine(args.Length > 1 ? args[1] : Path.GetTempPath(), "vigil-bench");
Directory.CreateDirectory(work);
switch (which)
{
    case "organize-idx": await OrganizeBenchmarks.FashionMnistIdx(work); break;
    case "organize-png": await OrganizeBenchmarks.PngFolder(work); break;
    case "train-speed": TrainingBenchmarks.Speed(work); break;
    case "all":
        await OrganizeBenchmarks.FashionMnistIdx(work);
        await OrganizeBenchmarks.PngFolder(work);
        TrainingBenchmarks.Speed(work);
        break;
    default:
        Console.Error.WriteLine($"unknown benchmark '{which}'; use organize-idx, organize-png, train-speed or all");
        return 2;
}
return 0;
