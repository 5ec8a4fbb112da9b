(self.ArtifactPressData=self.ArtifactPressData||{})["search/t-0"]=JSON.parse("[[\"among\",[2]],[\"bad\",[2]],[\"good\",[1,2]],[\"mixed\",[3]],[\"ones\",[2]],[\"second\",[0]],[\"version\",[0,2]]]");
