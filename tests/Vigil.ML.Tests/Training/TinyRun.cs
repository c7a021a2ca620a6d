using TorchSharp;
using TorchSharp.Modules;
using Vigil.Core.Runs;
using Vigil.ML.Training;
using Vigil.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Vigil.ML.Tests.Training;

/// <summary>
/// A complete, tiny training set-up (conv + BatchNorm + dropout + linear, AdamW, cosine warm-up, clipping, smoothed
/// weighted cross-entropy, early stopping, seeded data order) used to check that a checkpoint resumes exactly.
/// Dropout makes libtorch's random state matter; BatchNorm makes buffers matter; AdamW makes optimizer state matter.
/// </summary>
internal sealed class TinyRun : IDisposable
{
    public const int Classes = 3;
    public const int Size = 8;
    public const int BatchSize = 8;
    public const long DataSeed = 5;
    private const int Images = 32;

    private static readonly Lazy<(Tensor Images, Tensor Labels, long[] Counts)> LazyData = new(MakeData);

    public TinyRun(long initSeed, int width = 4)
    {
        Vigil.ML.Native.TorchNative.EnsureLoaded();
        torch.manual_seed(initSeed);
        Model = nn.Sequential(
            ("conv", nn.Conv2d(1, width, kernel_size: 3, padding: 1)),
            ("bn", nn.BatchNorm2d(width)),
            ("relu", nn.ReLU()),
            ("flatten", nn.Flatten()),
            ("dropout", nn.Dropout(0.3)),
            ("head", nn.Linear(width * Size * Size, Classes)));
        Optimizer = torch.optim.AdamW(Model.parameters(), lr: 0.01, weight_decay: 0.01);
        Schedule = new CosineWarmupSchedule(0.01, warmupSteps: 3, totalSteps: 4 * BatchesPerEpoch);
        Stopping = new EarlyStopping(patience: 3, goal: MetricGoal.Minimize);
        Loss = new LabelSmoothingCrossEntropy(0.1, ClassWeights.InverseFrequency(Data.Counts));
    }

    public static int BatchesPerEpoch => Images / BatchSize;

    private static (Tensor Images, Tensor Labels, long[] Counts) Data => LazyData.Value;

    public Sequential Model { get; }

    public AdamW Optimizer { get; }

    public CosineWarmupSchedule Schedule { get; }

    public EarlyStopping Stopping { get; }

    public LabelSmoothingCrossEntropy Loss { get; }

    public int EpochsDone { get; private set; }

    public long GlobalStep { get; private set; }

    /// <summary>Batches of the current (unfinished) epoch already trained, after a stop mid-epoch.</summary>
    public int BatchesDoneInEpoch { get; private set; }

    public CheckpointParts Parts => new(
        new Dictionary<string, nn.Module> { ["classifier"] = Model },
        new Dictionary<string, OptimizerHelper> { ["classifier"] = Optimizer });

    public static CheckpointFingerprint Fingerprint(int classes = Classes, int imageSize = Size) => new()
    {
        Phase = TrainingPhase.Supervised,
        ModelKind = "tiny-cnn",
        Classes = Enumerable.Range(0, classes).Select(i => $"class{i}").ToArray(),
        ImageSize = imageSize,
        Channels = 1,
    };

    public CheckpointState State() => new()
    {
        Fingerprint = Fingerprint(),
        Epoch = EpochsDone,
        BatchesDoneInEpoch = BatchesDoneInEpoch,
        GlobalStep = GlobalStep,
        Seed = DataSeed,
        Schedule = Schedule.State,
        EarlyStopping = Stopping.State,
        Best = Stopping.Best is { } best ? new BestMetric("val_loss", best, Stopping.BestEpoch) : null,
        DataState = new Dictionary<string, long> { ["seed"] = DataSeed },
    };

    /// <summary>Continues from a restored state, as the trainer would.</summary>
    public void Continue(CheckpointState state)
    {
        EpochsDone = state.Epoch;
        BatchesDoneInEpoch = state.BatchesDoneInEpoch;
        GlobalStep = state.GlobalStep;
        Schedule.Restore(state.Schedule!);
        Stopping.Restore(state.EarlyStopping!);
    }

    /// <summary>
    /// Trains the rest of the current epoch and validates; returns the validation loss. With
    /// <paramref name="stopAfterBatches"/>, stops after that many batches of the epoch instead (as a Stop request
    /// would) and returns null. Batches already done before a mid-epoch stop are skipped in the replayed order.
    /// </summary>
    public double? TrainEpoch(int? stopAfterBatches = null)
    {
        int epoch = EpochsDone + 1;
        Model.train();
        long[] order = Order(epoch);
        for (int batch = BatchesDoneInEpoch; batch * BatchSize < order.Length; batch++)
        {
            int start = batch * BatchSize;
            using (var scope = torch.NewDisposeScope())
            {
                using Tensor index = torch.tensor(order[start..Math.Min(order.Length, start + BatchSize)]);
                Tensor x = Data.Images.index_select(0, index);
                Tensor y = Data.Labels.index_select(0, index);
                Optimizer.zero_grad();
                Tensor loss = Loss.Forward(Model.forward(x), y);
                loss.backward();
                GradientClipping.ClipByNorm(Model.parameters(), 1.0);
                Schedule.Apply(Optimizer);
                Optimizer.step();
                Schedule.Advance();
                GlobalStep++;
            }
            if (stopAfterBatches == batch + 1)
            {
                BatchesDoneInEpoch = batch + 1;
                return null;
            }
        }
        BatchesDoneInEpoch = 0;
        Model.eval();
        double valLoss;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            valLoss = Loss.Forward(Model.forward(Data.Images), Data.Labels).item<float>();
        }
        Stopping.Update(epoch, valLoss);
        EpochsDone = epoch;
        return valLoss;
    }

    /// <summary>Every parameter and buffer, by name, as raw floats (for bitwise comparison).</summary>
    public Dictionary<string, byte[]> Snapshot() =>
        Model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.bytes.ToArray());

    public void Dispose()
    {
        Loss.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }

    /// <summary>The data order of an epoch: a function of (seed, epoch) only, as the data pipeline is asked to do.</summary>
    private static long[] Order(int epoch)
    {
        var random = new Random((int)(TorchRng.DeriveSeed(DataSeed, epoch) & int.MaxValue));
        long[] order = Enumerable.Range(0, Images).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        return order;
    }

    private static (Tensor, Tensor, long[]) MakeData()
    {
        Vigil.ML.Native.TorchNative.EnsureLoaded();
        var random = new Random(11);
        var pixels = new float[Images * Size * Size];
        var labels = new long[Images];
        for (int n = 0; n < Images; n++)
        {
            // Imbalanced on purpose (16 / 10 / 6), so the class weights differ.
            labels[n] = n < 16 ? 0 : n < 26 ? 1 : 2;
            for (int p = 0; p < Size * Size; p++)
            {
                int row = p / Size, column = p % Size;
                double signal = labels[n] switch { 0 => row < Size / 2 ? 1 : 0, 1 => column < Size / 2 ? 1 : 0, _ => (row + column) % 2 };
                pixels[n * Size * Size + p] = (float)(signal + (random.NextDouble() - 0.5) * 0.5);
            }
        }
        long[] counts = [16, 10, 6];
        return (torch.tensor(pixels, [Images, 1, Size, Size]).DetachFromDisposeScope(), torch.tensor(labels).DetachFromDisposeScope(), counts);
    }
}
