Console.Error.WriteLine("appkeys-apiserver: not implemented yet");
return 1;
