using TorchSharp;
using static TorchSharp.torch;

namespace Vigil.ML.Tests;

/// <summary>libtorch really trains here: a small conv net learns to tell horizontal from vertical stripes.</summary>
[Collection(TorchCollection.Name)]
public sealed class TorchSmokeTests
{
    private const int Size = 16;

    [Fact]
    public void ConvNetLossFallsAndItClassifiesUnseenImages()
    {
        torch.manual_seed(1234);
        using var model = nn.Sequential(
            ("conv", nn.Conv2d(1, 8, kernel_size: 3, padding: 1)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(kernel_size: 2)),
            ("flatten", nn.Flatten()),
            ("linear", nn.Linear(8 * (Size / 2) * (Size / 2), 2)));
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        (Tensor images, Tensor labels) = Stripes(64, seed: 1);

        var losses = new List<float>();
        for (int step = 0; step < 30; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.forward(images), labels);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        Assert.True(losses[^1] < losses[0] * 0.5f, $"loss went from {losses[0]} to {losses[^1]}");

        (Tensor testImages, Tensor testLabels) = Stripes(64, seed: 2);
        using (torch.no_grad())
        {
            double accuracy = model.forward(testImages).argmax(1).eq(testLabels).to_type(ScalarType.Float32).mean().item<float>();
            Assert.True(accuracy >= 0.9, $"accuracy on unseen images was {accuracy}");
        }
    }

    /// <summary>Class 0: horizontal stripes; class 1: vertical; random phase and period, plus noise.</summary>
    private static (Tensor Images, Tensor Labels) Stripes(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * Size * Size];
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            double period = 3 + random.NextDouble() * 3, phase = random.NextDouble() * 2 * Math.PI;
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    int along = labels[n] == 0 ? y : x;
                    double noise = (random.NextDouble() - 0.5) * 0.6;
                    pixels[(n * Size + y) * Size + x] = (float)(Math.Sin(2 * Math.PI * along / period + phase) + noise);
                }
            }
        }
        return (torch.tensor(pixels, [count, 1, Size, Size]), torch.tensor(labels));
    }
}
