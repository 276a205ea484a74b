Console.WriteLine("benchmarks: not implemented yet");
