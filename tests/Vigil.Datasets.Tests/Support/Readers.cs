using Vigil.Imaging;

namespace Vigil.Datasets.Tests.Support;

/// <summary>The readers the organizer is tested with: exactly the registry the CLI uses.</summary>
public static class Readers
{
    public static ImageReaderRegistry Registry() => ImageReaderRegistry.CreateDefault();

    public static DatasetOrganizer Organizer() => new(Registry());
}
