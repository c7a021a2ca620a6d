using Vigil.Core.Runs;

namespace Vigil.Server.Tests;

public static class Fixtures
{
    public static RunStarted Started(int epochs = 2, int batches = 4) => new()
    {
        Phase = TrainingPhase.Supervised, ModelKind = "efficientnet-b0", Dataset = "retina", Classes = ["normal", "RAO", "RVO"],
        Epochs = epochs, BatchesPerEpoch = batches, BatchSize = 8,
    };

    public static BatchCompleted Batch(int epoch, int batch, int batches, double loss) => new()
    {
        Epoch = epoch, Batch = batch, BatchesInEpoch = batches, GlobalStep = (epoch - 1) * batches + batch,
        Loss = loss, Accuracy = 0.5, LearningRate = 1e-3, Images = 8,
    };

    public static EpochCompleted Epoch(int epoch, int epochs, long step, double raoSensitivity) => new()
    {
        Epoch = epoch, Epochs = epochs, GlobalStep = step, TrainLoss = 0.8, ValLoss = 0.7, Accuracy = 0.65,
        AurocMacro = 0.9, AurocWeighted = 0.91, F1Macro = 0.6, LearningRate = 5e-4, ElapsedSeconds = 12.5,
        PerClass =
        [
            new ClassMetrics { Class = "normal", Sensitivity = 0.9, Support = 10 },
            new ClassMetrics { Class = "RAO", Sensitivity = raoSensitivity, Support = 10 },
            new ClassMetrics { Class = "RVO", Sensitivity = 1.0, Support = 3 },
        ],
        ConfusionMatrix = [[9, 1, 0], [1, 9, 0], [0, 0, 3]],
    };
}
