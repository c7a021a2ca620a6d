return Vigil.Cli.VigilApp.Run(args);
