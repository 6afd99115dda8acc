error-domain = The action could not be completed.
error-not-found = Not found: { $what }
error-illegal-transition = “{ $action }” is not allowed while the task is “{ $state }”.
error-validation = Invalid input: { $reason }
