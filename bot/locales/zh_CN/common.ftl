error-domain = 操作未能完成。
error-not-found = 未找到：{ $what }
error-illegal-transition = 当前状态“{ $state }”下不能执行“{ $action }”。
error-validation = 输入有误：{ $reason }
