"""The domain, free of aiogram and of HTTP: directories, plans, tasks, draws, deadlines, audit."""
