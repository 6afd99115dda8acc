# 一个部门在一轮会审中的决定（services.vocabulary.ReviewDecision），作为状态显示
review-line-pending = 待审
review-line-approve = 通过
review-line-return = 退回
