Console.Error.WriteLine("appkeys-operator: not implemented yet");
return 1;
